// Estates › Appointments › Product Areas and Appointment Reasons (admin).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../app/context.ts';
import { addProductArea, listProductAreas, type ProductArea } from '../../../app/appointments/product-areas.ts';
import { addReason, listReasons, REASON_KINDS, updateReason, type AppointmentReason } from '../../../app/appointments/reasons.ts';
import { getEventTemplates, SAMPLE_FIELDS, setEventTemplates, type EventTemplates } from '../../../app/appointments/event-templates.ts';
import { renderEventText } from '../../../domain/appointments/event.ts';
import { AppError } from '../../../errors.ts';
import { CsrfField, Layout, pageInfo, sendPage, type PageInfo } from './layout.tsx';
import { ErrorSummary, Radios, SuccessBanner, Tag, TextInput, fieldErrors, type FieldErrors } from './components.tsx';
import { requirePageAdmin } from './errors.tsx';
import { AppointmentSetupNav, Checkboxes, Textarea, query, str, strs } from './appointment-kit.tsx';

const KIND_TEXT: Record<string, string> = { book: 'Book', move: 'Move', cancel: 'Cancel' };

function ProductAreasPage({ page, areas, errors, values, saved }: { page: PageInfo; areas: ProductArea[]; errors: FieldErrors; values: { code: string; name: string }; saved?: string }): JSX.Element {
  return (
    <Layout page={page}>
      <AppointmentSetupNav current="product-areas" />
      <SuccessBanner heading={saved} />
      <ErrorSummary errors={errors} ids={{ code: 'pa-code', name: 'pa-name' }} />
      <h1 class="govuk-heading-l">Product Areas</h1>
      <p class="govuk-body">Each appointment diary belongs to a product area; appointment reasons apply to the product areas they are linked to.</p>
      {areas.length === 0 ? (
        <p class="govuk-body">There are no product areas yet.</p>
      ) : (
        <table class="govuk-table">
          <caption class="govuk-table__caption govuk-visually-hidden">Product areas</caption>
          <thead class="govuk-table__head">
            <tr class="govuk-table__row">
              <th scope="col" class="govuk-table__header">Code</th>
              <th scope="col" class="govuk-table__header">Name</th>
              <th scope="col" class="govuk-table__header">Status</th>
            </tr>
          </thead>
          <tbody class="govuk-table__body">
            {areas.map((a) => (
              <tr class="govuk-table__row">
                <th scope="row" class="govuk-table__header" safe>{a.code}</th>
                <td class="govuk-table__cell" safe>{a.name}</td>
                <td class="govuk-table__cell">{a.active ? <Tag text="Active" colour="green" /> : <Tag text="Inactive" colour="grey" />}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form method="post" action="/system-setup/appointments/product-areas" novalidate>
        <CsrfField token={page.csrfToken} />
        <h2 class="govuk-heading-m">Add a product area</h2>
        <TextInput id="pa-code" name="code" label="Code" hint="Up to 20 letters, digits or underscores, e.g. RENTS" value={values.code} error={errors.code} width="10" spellcheck={false} />
        <TextInput id="pa-name" name="name" label="Name" value={values.name} error={errors.name} />
        <button type="submit" class="govuk-button" data-module="govuk-button">
          Add product area
        </button>
      </form>
    </Layout>
  );
}

interface ReasonForm {
  code: string;
  description: string;
  kind: string;
  productAreas: string[];
}

function ReasonsPage(props: { page: PageInfo; reasons: AppointmentReason[]; areas: ProductArea[]; errors: FieldErrors; values: ReasonForm; saved?: string; editing?: AppointmentReason }): JSX.Element {
  const { page, reasons, areas, errors, values, editing } = props;
  const areaItems = areas.filter((a) => a.active).map((a) => ({ value: a.code, text: `${a.name} (${a.code})` }));
  return (
    <Layout page={page}>
      <AppointmentSetupNav current="reasons" />
      <SuccessBanner heading={props.saved} />
      <ErrorSummary errors={errors} ids={{ code: 'reason-code', description: 'reason-description', kind: 'reason-kind', productAreas: 'reason-areas' }} />
      <h1 class="govuk-heading-l">Appointment Reasons</h1>
      <p class="govuk-body">
        The reasons chosen for APPT_OUTLOOK365_CANCEL_RSN and APPT_OUTLOOK365_MOVE_RSN must be associated with all product areas.
      </p>
      <table class="govuk-table">
        <caption class="govuk-table__caption govuk-visually-hidden">Appointment reasons</caption>
        <thead class="govuk-table__head">
          <tr class="govuk-table__row">
            <th scope="col" class="govuk-table__header">Code</th>
            <th scope="col" class="govuk-table__header">Description</th>
            <th scope="col" class="govuk-table__header">Kind</th>
            <th scope="col" class="govuk-table__header">Product areas</th>
            <th scope="col" class="govuk-table__header">Status</th>
            <th scope="col" class="govuk-table__header"><span class="govuk-visually-hidden">Actions</span></th>
          </tr>
        </thead>
        <tbody class="govuk-table__body">
          {reasons.map((r) => (
            <tr class="govuk-table__row">
              <th scope="row" class="govuk-table__header" safe>{r.code}</th>
              <td class="govuk-table__cell" safe>{r.description}</td>
              <td class="govuk-table__cell" safe>{KIND_TEXT[r.kind] ?? r.kind}</td>
              <td class="govuk-table__cell" safe>{r.productAreas.length === areas.length && areas.length > 0 ? 'All' : r.productAreas.join(', ') || 'None'}</td>
              <td class="govuk-table__cell">{r.active ? <Tag text="Active" colour="green" /> : <Tag text="Inactive" colour="grey" />}</td>
              <td class="govuk-table__cell">
                <a class="govuk-link" href={`/system-setup/appointments/reasons?edit=${encodeURIComponent(r.code)}`}>
                  Change<span class="govuk-visually-hidden" safe>{` ${r.code}`}</span>
                </a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form method="post" action={editing ? `/system-setup/appointments/reasons/${encodeURIComponent(editing.code)}` : '/system-setup/appointments/reasons'} novalidate>
        <CsrfField token={page.csrfToken} />
        <h2 class="govuk-heading-m" safe>{editing ? `Change ${editing.code}` : 'Add an appointment reason'}</h2>
        {editing ? '' : <TextInput id="reason-code" name="code" label="Code" hint="Up to 20 letters, digits or underscores" value={values.code} error={errors.code} width="10" spellcheck={false} />}
        <TextInput id="reason-description" name="description" label="Description" value={values.description} error={errors.description} />
        {editing ? (
          <Radios id="reason-active" name="active" legend="Status" inline value={editing.active ? 'true' : 'false'} items={[{ value: 'true', text: 'Active' }, { value: 'false', text: 'Inactive' }]} />
        ) : (
          <Radios id="reason-kind" name="kind" legend="Kind" inline error={errors.kind} value={values.kind} items={REASON_KINDS.map((k) => ({ value: k, text: KIND_TEXT[k] }))} />
        )}
        <Checkboxes id="reason-areas" name="productAreas" legend="Product areas" hint="The diaries of these product areas can use the reason" error={errors.productAreas} items={areaItems} values={values.productAreas} />
        <button type="submit" class="govuk-button" data-module="govuk-button">
          {editing ? 'Save' : 'Add reason'}
        </button>
      </form>
    </Layout>
  );
}

function EventPage({ page, t, errors, saved }: { page: PageInfo; t: EventTemplates; errors: FieldErrors; saved?: string }): JSX.Element {
  const sample = (tpl: string) => {
    try {
      return renderEventText(tpl, SAMPLE_FIELDS);
    } catch {
      return '';
    }
  };
  return (
    <Layout page={page}>
      <AppointmentSetupNav current="event" />
      <SuccessBanner heading={saved} />
      <ErrorSummary errors={errors} ids={{ subject: 'subject', body: 'body' }} />
      <h1 class="govuk-heading-l">Outlook Event</h1>
      <p class="govuk-body">
        What a booking looks like in the Outlook calendar of a diary mapped to Outlook 365. Merge fields: <code>{'{{ ref }}'}</code>, <code>{'{{ diary.name }}'}</code>,{' '}
        <code>{'{{ diary.code }}'}</code>, <code>{'{{ reason }}'}</code>, <code>{'{{ location }}'}</code>, <code>{'{{ status }}'}</code>. Keep personal data to what the calendar owner needs: the
        tenant's name and notes are deliberately not available. Leave a box empty to go back to the default.
      </p>
      <form method="post" action="/system-setup/appointments/outlook-event" novalidate>
        <CsrfField token={page.csrfToken} />
        <TextInput id="subject" name="subject" label="Subject" value={t.subject} error={errors.subject} spellcheck={false} />
        <Textarea id="body" name="body" label="Body (plain text)" value={t.body} error={errors.body} />
        <button type="submit" class="govuk-button" data-module="govuk-button">Save</button>
      </form>
      <h2 class="govuk-heading-m">Example</h2>
      <div class="govuk-inset-text">
        <p class="govuk-body govuk-!-font-weight-bold" safe>{sample(t.subject)}</p>
        <pre class="govuk-body" safe>{sample(t.body)}</pre>
      </div>
    </Layout>
  );
}

export function registerAppointmentSetupPages(app: FastifyInstance, ctx: AppContext): void {
  const guard = { preHandler: requirePageAdmin(ctx) };

  const areasPage = async (request: FastifyRequest, reply: FastifyReply, errors: FieldErrors = {}, values = { code: '', name: '' }, status = 200) => {
    const areas = await listProductAreas(ctx);
    const added = query(request, 'added');
    const saved = added && areas.some((a) => a.code === added) ? `Product area ${added} added` : undefined;
    const page = pageInfo(ctx, request, 'Product Areas', 'setup', Object.keys(errors).length > 0);
    return sendPage(reply, <ProductAreasPage page={page} areas={areas} errors={errors} values={values} saved={saved} />, status);
  };
  app.get('/system-setup/appointments', guard, async (_request, reply) => reply.redirect('/system-setup/appointments/diaries', 303));
  app.get('/system-setup/appointments/product-areas', guard, (request, reply) => areasPage(request, reply));
  app.post('/system-setup/appointments/product-areas', guard, async (request, reply) => {
    const values = { code: str(request.body, 'code'), name: str(request.body, 'name') };
    try {
      const pa = await addProductArea(ctx, request.principal!, values);
      return reply.redirect(`/system-setup/appointments/product-areas?added=${encodeURIComponent(pa.code)}`, 303);
    } catch (err) {
      if (!(err instanceof AppError) || (err.code !== 'validation' && err.code !== 'conflict')) throw err;
      return areasPage(request, reply, fieldErrors(err.fields.length ? err.fields : [{ field: 'code', message: err.message }]), values, 422);
    }
  });

  const reasonsPage = async (request: FastifyRequest, reply: FastifyReply, errors: FieldErrors = {}, values?: ReasonForm, status = 200) => {
    const [reasons, areas] = await Promise.all([listReasons(ctx), listProductAreas(ctx)]);
    const edit = query(request, 'edit') ?? (request.params as { code?: string } | undefined)?.code;
    const editing = edit ? reasons.find((r) => r.code === edit.toUpperCase()) : undefined;
    const done = query(request, 'saved');
    const saved = done && reasons.some((r) => r.code === done) ? `Appointment reason ${done} saved` : undefined;
    const v = values ?? (editing ? { code: editing.code, description: editing.description, kind: editing.kind, productAreas: editing.productAreas } : { code: '', description: '', kind: '', productAreas: [] });
    const page = pageInfo(ctx, request, 'Appointment Reasons', 'setup', Object.keys(errors).length > 0);
    return sendPage(reply, <ReasonsPage page={page} reasons={reasons} areas={areas} errors={errors} values={v} saved={saved} editing={editing} />, status);
  };
  const reasonForm = (body: unknown): ReasonForm => ({ code: str(body, 'code'), description: str(body, 'description'), kind: str(body, 'kind'), productAreas: strs(body, 'productAreas') });
  const refused = (err: unknown) => {
    if (!(err instanceof AppError) || (err.code !== 'validation' && err.code !== 'conflict')) throw err;
    return fieldErrors(err.fields.length ? err.fields : [{ field: 'code', message: err.message }]);
  };
  app.get('/system-setup/appointments/reasons', guard, (request, reply) => reasonsPage(request, reply));
  app.post('/system-setup/appointments/reasons', guard, async (request, reply) => {
    const values = reasonForm(request.body);
    try {
      const r = await addReason(ctx, request.principal!, { ...values, kind: values.kind as 'book' });
      return reply.redirect(`/system-setup/appointments/reasons?saved=${encodeURIComponent(r.code)}`, 303);
    } catch (err) {
      return reasonsPage(request, reply, refused(err), values, 422);
    }
  });
  app.post<{ Params: { code: string } }>('/system-setup/appointments/reasons/:code', guard, async (request, reply) => {
    const values = reasonForm(request.body);
    try {
      const r = await updateReason(ctx, request.principal!, request.params.code, { description: values.description, productAreas: values.productAreas, active: str(request.body, 'active') !== 'false' });
      return reply.redirect(`/system-setup/appointments/reasons?saved=${encodeURIComponent(r.code)}`, 303);
    } catch (err) {
      return reasonsPage(request, reply, refused(err), { ...values, code: request.params.code }, 422);
    }
  });

  const eventPage = async (request: FastifyRequest, reply: FastifyReply, errors: FieldErrors = {}, values?: EventTemplates, status = 200) => {
    const t = values ?? (await getEventTemplates(ctx));
    const page = pageInfo(ctx, request, 'Outlook Event', 'setup', Object.keys(errors).length > 0);
    return sendPage(reply, <EventPage page={page} t={t} errors={errors} saved={query(request, 'saved') ? 'Outlook event templates saved' : undefined} />, status);
  };
  app.get('/system-setup/appointments/outlook-event', guard, (request, reply) => eventPage(request, reply));
  app.post('/system-setup/appointments/outlook-event', guard, async (request, reply) => {
    const subject = str(request.body, 'subject');
    const body = str(request.body, 'body');
    try {
      await setEventTemplates(ctx, request.principal!, { subject, body });
      return reply.redirect('/system-setup/appointments/outlook-event?saved=1', 303);
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'validation') throw err;
      return eventPage(request, reply, fieldErrors(err.fields), { subject, body, isDefault: { subject: false, body: false } }, 422);
    }
  });
}
