/**
 * The event query that turns new inbound email into Task Manager events (guide §2.2.4): every email
 * not yet notified raises an `EML_<INBOX>` CREATE event, whose job type raises the task. Migration 0003
 * installs it as the first event query; an admin may edit it on System Setup › Event queries, where it
 * runs in the SQL sandbox (app/tasks/event-queries.ts).
 *
 * The guide's §2.2.4 example, with substr/instr → split_part and sysdate → now(); nothing else changed.
 */
export const DEFAULT_EVENT_QUERY = `SELECT DISTINCT 'EML_'||upper(split_part(exce_email_to,'@',1)),
EXCE_REFNO,
'EML',
now(),
NULL,
'CREATE',
NULL,
NULL,
NULL
FROM EXCHANGE_EMAILS, fwf_event_types fwf
WHERE fwf.fet_code ='EML_NOT'
AND NOT EXISTS (SELECT '1' FROM fwf_events   fev
                          WHERE EXCE_REFNO = fev.fev_index_value
                            AND fev.fev_index_code = 'EML'
                            AND fev.fev_fet_code = 'EML_NOT')`;

