// Task Manager's sub navigation, shared by the task pages and the complaint pages.

export function TasksNav({ current }: { current: 'summary' | 'list' | 'complaints' | 'performance' }): JSX.Element {
  const item = (href: string, text: string, here: boolean) => (
    <li class="moj-sub-navigation__item"><a class="moj-sub-navigation__link" href={href} aria-current={here ? 'page' : undefined}>{text}</a></li>
  );
  return (
    <nav class="moj-sub-navigation" aria-label="Task Manager">
      <ul class="moj-sub-navigation__list">
        {item('/tasks', 'Summary', current === 'summary')}
        {item('/tasks/list', 'Task List', current === 'list')}
        {item('/tasks/complaints', 'Complaints', current === 'complaints')}
        {item('/tasks/complaints/performance', 'Complaints performance', current === 'performance')}
      </ul>
    </nav>
  );
}
