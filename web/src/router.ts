// A small history-API router: the server answers every client path with index.html.
import { useEffect, useState } from 'preact/hooks';

export function navigate(path: string, replace = false): void {
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  dispatchEvent(new PopStateEvent('popstate'));
  window.scrollTo(0, 0);
}

export function usePath(): string {
  const [path, setPath] = useState(location.pathname + location.search);
  useEffect(() => {
    const update = () => setPath(location.pathname + location.search);
    addEventListener('popstate', update);
    return () => removeEventListener('popstate', update);
  }, []);
  return path;
}

/** Follow same-origin links without reloading the page. */
export function interceptLinks(event: MouseEvent): void {
  const anchor = (event.target as HTMLElement).closest('a');
  if (!anchor || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey) return;
  const href = anchor.getAttribute('href');
  if (!href || !href.startsWith('/') || anchor.target || anchor.hasAttribute('download')) return;
  if (href.startsWith('/graphql') || href.startsWith('/open-data')) return;
  event.preventDefault();
  navigate(href);
}
