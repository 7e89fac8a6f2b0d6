/** The minimal sign-in page of the emulated authorization endpoint. */
import type { UserState } from '../contracts.ts';
import { escapeHtml } from './html.ts';

export function renderSignInPage(o: { action: string; hidden: Record<string, string>; users: UserState[]; loginHint?: string; error?: string }): string {
  const hidden = Object.entries(o.hidden).map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`).join('\n');
  const options = o.users
    .map((u) => `<option value="${escapeHtml(u.userPrincipalName)}"${o.loginHint?.toLowerCase() === u.userPrincipalName.toLowerCase() ? ' selected' : ''}>${escapeHtml(u.displayName)} (${escapeHtml(u.userPrincipalName)})</option>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in to your account</title>
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem}label,select,input,button{display:block;width:100%;margin:.4rem 0;font-size:1rem}button{padding:.5rem}.error{color:#a80000}</style></head>
<body><main>
<h1>Sign in</h1>
<p>Graph emulator: choose a seeded user.</p>
${o.error ? `<p class="error" role="alert" id="error">${escapeHtml(o.error)}</p>` : ''}
<form method="post" action="${escapeHtml(o.action)}">
${hidden}
<label for="login">Account</label>
<select id="login" name="login">${options}</select>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password">
<button type="submit" id="signin">Sign in</button>
</form></main></body></html>`;
}

export function renderFormPost(action: string, fields: Record<string, string>): string {
  const inputs = Object.entries(fields).map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`).join('');
  return `<!doctype html><html><head><title>Working...</title></head><body onload="document.forms[0].submit()"><form method="post" action="${escapeHtml(action)}">${inputs}<noscript><button type="submit">Continue</button></noscript></form></body></html>`;
}
