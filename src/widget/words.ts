/** "1 comment", "3 comments", "2 more replies": the widget's only plural rule, English for now. */
export function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : pluralForm}`;
}
