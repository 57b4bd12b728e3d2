// Stands in for VS Code's acquireVsCodeApi in the preview harness: records what the panel posts
// and what it saves, so the preview script can assert on both.
window.__posted = [];
window.__state = JSON.parse(sessionStorage.getItem('panel-state') || 'null');
window.acquireVsCodeApi = () => ({
  postMessage: (m) => window.__posted.push(m),
  getState: () => window.__state,
  setState: (s) => {
    window.__state = s;
    sessionStorage.setItem('panel-state', JSON.stringify(s));
    return s;
  },
});
