// The subject of the move-violation email (guide §2.4.2): "the text in system parameter
// OUTLOOK365_MOVE_VIOL_EMAIL followed by the unique appointment reference", with the guide's example
//
//   Please review the following issue for the attempted move of the following appointment in your outlook calendar: : Appointment Ref 4376
//
// for the example parameter value that itself ends in "calendar:". So the reference is joined to the
// text with " : " — space, colon, space — whatever the text ends with; the text is taken as the admin
// typed it (outer whitespace trimmed). With no text at all the subject is just "Appointment Ref <ref>".
export function violationSubject(parameterText: string, ref: number): string {
  const text = parameterText.trim();
  return text ? `${text} : Appointment Ref ${ref}` : `Appointment Ref ${ref}`;
}
