import type { PropsWithChildren } from '@kitajs/html';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../app/context.ts';
import type { Principal } from '../../../app/context.ts';

export type NavSection = 'home' | 'tasks' | 'appointments' | 'outbox' | 'setup' | null;

/** What every page needs to know about the request it answers. */
export interface PageInfo {
  title: string;
  principal: Principal | null;
  csrfToken: string | null;
  demoMode: boolean;
  nav: NavSection;
  /** Prefixes the <title> with "Error: " as GOV.UK asks when the page shows a validation error. */
  hasErrors?: boolean;
}

export function pageInfo(ctx: AppContext, request: FastifyRequest, title: string, nav: NavSection, hasErrors = false): PageInfo {
  return { title, principal: request.principal, csrfToken: request.csrfToken, demoMode: ctx.config.demoMode, nav, hasErrors };
}

export async function sendPage(reply: FastifyReply, html: JSX.Element, status = 200): Promise<FastifyReply> {
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    // Pages show live configuration and per-session tokens: never from a shared cache.
    .header('cache-control', 'no-store')
    .send('<!DOCTYPE html>' + (await html));
}

const NAV: Array<{ section: Exclude<NavSection, null>; href: string; text: string; adminOnly: boolean }> = [
  { section: 'home', href: '/', text: 'Home', adminOnly: false },
  { section: 'tasks', href: '/tasks', text: 'Tasks', adminOnly: false },
  { section: 'appointments', href: '/appointments', text: 'Appointments', adminOnly: false },
  { section: 'outbox', href: '/outbox', text: 'Outbox', adminOnly: false },
  { section: 'setup', href: '/system-setup', text: 'System Setup', adminOnly: true },
];

// One <header> landmark holds the service header, identity bar, navigation and phase banner, as GOV.UK
// Frontend recommends, so that every piece of page content sits in a landmark.
function Header({ page }: { page: PageInfo }): JSX.Element {
  const items = NAV.filter((n) => !n.adminOnly || page.principal?.role === 'admin');
  return (
    <header class="govuk-template__header">
      <div class="govuk-generic-header">
        <div class="govuk-generic-header__container govuk-width-container">
          <div class="govuk-generic-header__logo">
            <a href="/" class="govuk-generic-header__homepage-link">housing365</a>
          </div>
        </div>
      </div>
      {page.principal ? (
        <>
          <div class="moj-identity-bar">
            <div class="moj-identity-bar__container">
              <div class="moj-identity-bar__details">
                <span class="moj-identity-bar__title">
                  Signed in as <strong safe>{page.principal.displayName}</strong> ({page.principal.role})
                </span>
              </div>
              <div class="moj-identity-bar__actions">
                {page.principal.kind === 'user' ? (
                  <span class="moj-identity-bar__menu app-identity-link">
                    <a class="govuk-link" href="/account/password">
                      Change password
                    </a>
                  </span>
                ) : (
                  ''
                )}
                <form method="post" action="/sign-out" class="moj-identity-bar__menu">
                  <CsrfField token={page.csrfToken} />
                  <button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" data-module="govuk-button">
                    Sign out
                  </button>
                </form>
              </div>
            </div>
          </div>
          <div class="moj-primary-navigation">
            <div class="moj-primary-navigation__container">
              <div class="moj-primary-navigation__nav">
                <nav class="moj-primary-navigation" aria-label="Primary navigation">
                  <ul class="moj-primary-navigation__list">
                    {items.map((n) => (
                      <li class="moj-primary-navigation__item">
                        <a class="moj-primary-navigation__link" href={n.href} aria-current={page.nav === n.section ? 'page' : undefined}>
                          {n.text}
                        </a>
                      </li>
                    ))}
                  </ul>
                </nav>
              </div>
            </div>
          </div>
        </>
      ) : (
        ''
      )}
      {page.demoMode ? (
        <div class="govuk-phase-banner govuk-width-container">
          <p class="govuk-phase-banner__content">
            <strong class="govuk-tag govuk-phase-banner__content__tag">Demo</strong>
            <span class="govuk-phase-banner__text">Demo mode: connected to the built-in Microsoft 365 emulator, not a real tenant</span>
          </p>
        </div>
      ) : (
        ''
      )}
    </header>
  );
}

export function CsrfField({ token }: { token: string | null }): JSX.Element {
  return token ? <input type="hidden" name="_csrf" value={token} /> : '';
}

export function Layout({ page, children }: PropsWithChildren<{ page: PageInfo }>): JSX.Element {
  const title = `${page.hasErrors ? 'Error: ' : ''}${page.title} – housing365`;
  return (
    <html lang="en" class="govuk-template">
      <head>
        <meta charset="utf-8" />
        <title safe>{title}</title>
        <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover" />
        <meta name="theme-color" content="#0b0c0c" />
        <link rel="icon" sizes="48x48" href="/assets/images/favicon.ico" />
        <link rel="stylesheet" href="/assets/govuk/govuk-frontend.min.css" />
        <link rel="stylesheet" href="/assets/moj/moj-frontend.min.css" />
        <link rel="stylesheet" href="/assets/app.css" />
      </head>
      <body class="govuk-template__body">
        <a href="#main-content" class="govuk-skip-link" data-module="govuk-skip-link">
          Skip to main content
        </a>
        <Header page={page} />
        <div class="govuk-width-container">
          <main class="govuk-main-wrapper" id="main-content">
            {children}
          </main>
        </div>
        <footer class="govuk-footer">
          <div class="govuk-width-container">
            <div class="govuk-footer__meta">
              <div class="govuk-footer__meta-item govuk-footer__meta-item--grow">
                <h2 class="govuk-visually-hidden">Support links</h2>
                <ul class="govuk-footer__inline-list">
                  <li class="govuk-footer__inline-list-item">
                    <a class="govuk-footer__link" href="/docs">API documentation</a>
                  </li>
                  <li class="govuk-footer__inline-list-item">
                    <a class="govuk-footer__link" href="/openapi.json">OpenAPI document</a>
                  </li>
                </ul>
              </div>
            </div>
          </div>
        </footer>
        <script type="module" src="/assets/app.js"></script>
      </body>
    </html>
  );
}
