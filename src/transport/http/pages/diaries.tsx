// System Setup › Estates › Appointments › Appointment Diaries: create and update a diary (External
// Calendar None | Outlook 365 and Calendar Address, as guide §2.3 describes the modal), its weekly slot
// patterns, closed days, slot generation, and the progress of pushing its bookings to Outlook.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../app/context.ts';
import { addPattern, closeDay, createDiary, diaryOutlookProgress, generateDiarySlots, getDiary, listExceptions, listDiaries, listPatterns, removePattern, updateDiary } from '../../../app/appointments/diaries.ts';
import { listProductAreas } from '../../../app/appointments/product-areas.ts';
import { AppError } from '../../../errors.ts';
import { pageInfo, sendPage } from './layout.tsx';
import { fieldErrors, type FieldErrors } from './components.tsx';
import { requirePageAdmin } from './errors.tsx';
import { query, str, strs } from './appointment-kit.tsx';
import { DIARIES_PATH as BASE, diaryForm, formOf, toInput, type DiaryForm } from './diary-form.tsx';
import { DiaryList, NewDiaryPage } from './diary-list-pages.tsx';
import { DiaryPage } from './diary-page.tsx';

function formErrors(err: unknown, fallback: string): FieldErrors {
  if (!(err instanceof AppError) || (err.code !== 'validation' && err.code !== 'conflict')) throw err;
  return fieldErrors(err.fields.length ? err.fields : [{ field: fallback, message: err.message }]);
}

export function registerDiaryPages(app: FastifyInstance, ctx: AppContext): void {
  const guard = { preHandler: requirePageAdmin(ctx) };

  app.get(BASE, guard, async (request, reply) => sendPage(reply, <DiaryList page={pageInfo(ctx, request, 'Appointment Diaries', 'setup')} diaries={await listDiaries(ctx)} />));

  const newPage = async (request: FastifyRequest, reply: FastifyReply, form: DiaryForm, errors: FieldErrors = {}, status = 200) =>
    sendPage(reply, <NewDiaryPage page={pageInfo(ctx, request, 'Create appointment diary', 'setup', status !== 200)} form={form} errors={errors} areas={await listProductAreas(ctx)} />, status);
  app.get(`${BASE}/new`, guard, (request, reply) => newPage(request, reply, diaryForm({})));
  app.post(BASE, guard, async (request, reply) => {
    const form = diaryForm(request.body);
    try {
      const d = await createDiary(ctx, request.principal!, { code: form.code, ...toInput(form) });
      return reply.redirect(`${BASE}/${encodeURIComponent(d.code)}?done=created`, 303);
    } catch (err) {
      return newPage(request, reply, form, formErrors(err, 'code'), 422);
    }
  });

  const diaryPage = async (request: FastifyRequest, reply: FastifyReply, code: string, errors: FieldErrors = {}, form?: DiaryForm, status = 200) => {
    const diary = await getDiary(ctx, code);
    const [areas, patterns, closed, progress] = await Promise.all([listProductAreas(ctx), listPatterns(ctx, diary.code), listExceptions(ctx, diary.code), diaryOutlookProgress(ctx, diary.code)]);
    const done = query(request, 'done');
    const messages: Record<string, string> = {
      created: `Diary ${diary.code} created`,
      saved: `Diary ${diary.code} saved`,
      pattern: 'Slot pattern added',
      removed: 'Slot pattern removed (slots already made are kept)',
      generated: `Slots generated${query(request, 'added') ? `: ${Number(query(request, 'added'))} new` : ''}`,
      closed: 'Day closed',
      queued: `Diary saved: ${Number(query(request, 'queued') ?? 0)} bookings queued for Outlook`,
    };
    const page = pageInfo(ctx, request, diary.name, 'setup', Object.keys(errors).length > 0);
    return sendPage(
      reply,
      <DiaryPage page={page} diary={diary} form={form ?? formOf(diary)} errors={errors} areas={areas} patterns={patterns} closed={closed} progress={progress} saved={done ? messages[done] : undefined} />,
      status,
    );
  };
  type P = { Params: { code: string } };
  app.get<P>(`${BASE}/:code`, guard, (request, reply) => diaryPage(request, reply, request.params.code));
  app.post<P>(`${BASE}/:code`, guard, async (request, reply) => {
    const form = { ...diaryForm(request.body), code: request.params.code };
    try {
      const r = await updateDiary(ctx, request.principal!, request.params.code, toInput(form));
      return reply.redirect(`${BASE}/${encodeURIComponent(r.diary.code)}?done=${r.queued ? `queued&queued=${r.queued}` : 'saved'}`, 303);
    } catch (err) {
      return diaryPage(request, reply, request.params.code, formErrors(err, 'name'), form, 422);
    }
  });
  app.post<P>(`${BASE}/:code/patterns`, guard, async (request, reply) => {
    const b = request.body;
    try {
      await addPattern(ctx, request.principal!, request.params.code, {
        weekdays: strs(b, 'weekdays').map(Number),
        startTime: str(b, 'startTime'),
        endTime: str(b, 'endTime'),
        slotMinutes: str(b, 'slotMinutes') as unknown as number,
        units: str(b, 'units') as unknown as number,
        validFrom: str(b, 'validFrom'),
        validTo: str(b, 'validTo') || null,
      });
      return reply.redirect(`${BASE}/${encodeURIComponent(request.params.code)}?done=pattern#patterns`, 303);
    } catch (err) {
      return diaryPage(request, reply, request.params.code, formErrors(err, 'weekdays'), undefined, 422);
    }
  });
  app.post<{ Params: { code: string; id: string } }>(`${BASE}/:code/patterns/:id/remove`, guard, async (request, reply) => {
    await removePattern(ctx, request.principal!, request.params.code, Number(request.params.id));
    return reply.redirect(`${BASE}/${encodeURIComponent(request.params.code)}?done=removed#patterns`, 303);
  });
  app.post<P>(`${BASE}/:code/generate`, guard, async (request, reply) => {
    try {
      const days = str(request.body, 'days');
      const r = await generateDiarySlots(ctx, request.principal!, request.params.code, { from: str(request.body, 'from') || undefined, days: days ? Number(days) : undefined });
      return reply.redirect(`${BASE}/${encodeURIComponent(request.params.code)}?done=generated&added=${r.added}#generate`, 303);
    } catch (err) {
      return diaryPage(request, reply, request.params.code, formErrors(err, 'from'), undefined, 422);
    }
  });
  app.post<P>(`${BASE}/:code/closed-days`, guard, async (request, reply) => {
    try {
      await closeDay(ctx, request.principal!, request.params.code, { day: str(request.body, 'day'), reason: str(request.body, 'reason') });
      return reply.redirect(`${BASE}/${encodeURIComponent(request.params.code)}?done=closed#closed`, 303);
    } catch (err) {
      const errors = formErrors(err, 'day');
      // parseOrThrow names the field '(body)' for a bare value: point it at the right input.
      if (errors['(body)']) errors[str(request.body, 'day') ? 'reason' : 'day'] = errors['(body)'];
      delete errors['(body)'];
      return diaryPage(request, reply, request.params.code, errors, undefined, 422);
    }
  });
}
