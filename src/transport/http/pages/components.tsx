import type { FieldProblem } from '../../../errors.ts';

// Small typed versions of the GOV.UK Frontend macros this service uses. Every dynamic text goes
// through `safe` (escaped); attributes are escaped by @kitajs/html.

/** Problems keyed by field name, with the id of the input each one should link to. */
export type FieldErrors = Record<string, string>;

export function fieldErrors(problems: FieldProblem[]): FieldErrors {
  const out: FieldErrors = {};
  for (const p of problems) out[p.field] ??= p.message;
  return out;
}

export function ErrorSummary({ errors, ids }: { errors: FieldErrors; ids?: Record<string, string> }): JSX.Element {
  const entries = Object.entries(errors);
  if (entries.length === 0) return '';
  return (
    <div class="govuk-error-summary" data-module="govuk-error-summary">
      <div role="alert">
        <h2 class="govuk-error-summary__title">There is a problem</h2>
        <div class="govuk-error-summary__body">
          <ul class="govuk-list govuk-error-summary__list">
            {entries.map(([field, message]) => (
              <li>
                <a href={`#${ids?.[field] ?? field}`} safe>
                  {message}
                </a>
              </li>
            ))}
          </ul>
        </div>
      </div>
    </div>
  );
}

function ErrorMessage({ id, message }: { id: string; message?: string }): JSX.Element {
  if (!message) return '';
  return (
    <p id={`${id}-error`} class="govuk-error-message">
      <span class="govuk-visually-hidden">Error:</span> <span safe>{message}</span>
    </p>
  );
}

function describedBy(id: string, hint?: string, error?: string): string | undefined {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return ids || undefined;
}

export function TextInput(props: {
  id: string;
  name: string;
  label: string;
  hint?: string;
  value?: string | null;
  error?: string;
  type?: 'text' | 'password' | 'email';
  width?: '5' | '10' | '20' | '30';
  autocomplete?: string;
  spellcheck?: boolean;
  labelIsHeading?: boolean;
}): JSX.Element {
  const { id, name, label, hint, value, error } = props;
  const labelEl = (
    <label class={['govuk-label', props.labelIsHeading && 'govuk-label--l']} for={id} safe>
      {label}
    </label>
  );
  return (
    <div class={['govuk-form-group', error && 'govuk-form-group--error']}>
      {props.labelIsHeading ? <h1 class="govuk-label-wrapper">{labelEl}</h1> : labelEl}
      {hint ? (
        <div id={`${id}-hint`} class="govuk-hint" safe>
          {hint}
        </div>
      ) : (
        ''
      )}
      <ErrorMessage id={id} message={error} />
      <input
        class={['govuk-input', props.width && `govuk-input--width-${props.width}`, error && 'govuk-input--error']}
        id={id}
        name={name}
        type={props.type ?? 'text'}
        value={value ?? ''}
        aria-describedby={describedBy(id, hint, error)}
        autocomplete={props.autocomplete}
        spellcheck={props.spellcheck === false ? 'false' : undefined}
      />
    </div>
  );
}

export function Radios(props: {
  id: string;
  name: string;
  legend: string;
  legendIsHeading?: boolean;
  hint?: string;
  error?: string;
  value?: string | null;
  items: Array<{ value: string; text: string }>;
  inline?: boolean;
}): JSX.Element {
  const { id, name, hint, error } = props;
  return (
    <div class={['govuk-form-group', error && 'govuk-form-group--error']}>
      <fieldset class="govuk-fieldset" aria-describedby={describedBy(id, hint, error)}>
        <legend class={['govuk-fieldset__legend', props.legendIsHeading && 'govuk-fieldset__legend--l']}>
          {props.legendIsHeading ? (
            <h1 class="govuk-fieldset__heading" safe>
              {props.legend}
            </h1>
          ) : (
            <span safe>{props.legend}</span>
          )}
        </legend>
        {hint ? (
          <div id={`${id}-hint`} class="govuk-hint" safe>
            {hint}
          </div>
        ) : (
          ''
        )}
        <ErrorMessage id={id} message={error} />
        <div class={['govuk-radios', props.inline && 'govuk-radios--inline']} data-module="govuk-radios">
          {props.items.map((item, i) => {
            const itemId = i === 0 ? id : `${id}-${i + 1}`;
            return (
              <div class="govuk-radios__item">
                <input class="govuk-radios__input" id={itemId} name={name} type="radio" value={item.value} checked={props.value === item.value} />
                <label class="govuk-label govuk-radios__label" for={itemId} safe>
                  {item.text}
                </label>
              </div>
            );
          })}
        </div>
      </fieldset>
    </div>
  );
}

export function Select(props: { id: string; name: string; label: string; items: Array<{ value: string; text: string }>; value?: string; error?: string }): JSX.Element {
  return (
    <div class={['govuk-form-group', props.error && 'govuk-form-group--error']}>
      <label class="govuk-label" for={props.id} safe>
        {props.label}
      </label>
      <ErrorMessage id={props.id} message={props.error} />
      <select class={['govuk-select', props.error && 'govuk-select--error']} id={props.id} name={props.name} aria-describedby={describedBy(props.id, undefined, props.error)}>
        {props.items.map((item) => (
          <option value={item.value} selected={item.value === props.value} safe>
            {item.text}
          </option>
        ))}
      </select>
    </div>
  );
}

export function SuccessBanner({ heading }: { heading?: string }): JSX.Element {
  if (!heading) return '';
  return (
    <div class="govuk-notification-banner govuk-notification-banner--success" role="alert" aria-labelledby="success-banner-title" data-module="govuk-notification-banner">
      <div class="govuk-notification-banner__header">
        <h2 class="govuk-notification-banner__title" id="success-banner-title">
          Success
        </h2>
      </div>
      <div class="govuk-notification-banner__content">
        <p class="govuk-notification-banner__heading" safe>
          {heading}
        </p>
      </div>
    </div>
  );
}

export function Tag({ text, colour }: { text: string; colour?: 'green' | 'red' | 'grey' | 'yellow' | 'blue' }): JSX.Element {
  return (
    <strong class={['govuk-tag', colour && `govuk-tag--${colour}`]} safe>
      {text}
    </strong>
  );
}
