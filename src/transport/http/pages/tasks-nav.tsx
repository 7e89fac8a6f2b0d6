// Task Manager's sub navigation.

export function TasksNav({ current }: { current: 'summary' | 'list' }): JSX.Element {
  return (
    <nav class="moj-sub-navigation" aria-label="Task Manager">
      <ul class="moj-sub-navigation__list">
        <li class="moj-sub-navigation__item"><a class="moj-sub-navigation__link" href="/tasks" aria-current={current === 'summary' ? 'page' : undefined}>Summary</a></li>
        <li class="moj-sub-navigation__item"><a class="moj-sub-navigation__link" href="/tasks/list" aria-current={current === 'list' ? 'page' : undefined}>Task List</a></li>
      </ul>
    </nav>
  );
}
