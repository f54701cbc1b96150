// GraphiQL for regkg: the explorer plugin, the ready questions, the query kept in the URL,
// and "Download CSV / JSON" under the answer. Everything is served by regkg (/static/).
(function () {
  'use strict';
  const { React, ReactDOM, GraphiQL, GraphiQLPluginExplorer } = window;
  const h = React.createElement;
  const { useEditorContext, useExecutionContext } = GraphiQL.React;

  const QUESTIONS = JSON.parse(document.getElementById('ready-questions').textContent);
  const WELCOME = JSON.parse(document.getElementById('welcome-query').textContent);

  // The question on screen lives in the address bar, so a link to the page is a link to it.
  const params = new URLSearchParams(window.location.search);
  const state = {
    query: params.get('query'),
    variables: params.get('variables'),
  };

  function updateURL() {
    const next = new URLSearchParams();
    if (state.query) next.set('query', state.query);
    if (state.variables && state.variables.trim() && state.variables.trim() !== '{}') {
      next.set('variables', state.variables);
    }
    const search = next.toString();
    const url = window.location.pathname + (search ? `?${search}` : '');
    if (url !== window.location.pathname + window.location.search) {
      window.history.replaceState(null, '', url);
    }
  }

  async function fetcher(graphQLParams) {
    const response = await fetch('/graphql', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
      },
      body: JSON.stringify(graphQLParams),
    });
    return response.json();
  }

  function QuestionsIcon() {
    return h(
      'svg',
      { viewBox: '0 0 24 24', width: 20, height: 20, fill: 'none', stroke: 'currentColor', strokeWidth: 1.6, 'aria-hidden': true },
      h('circle', { cx: 12, cy: 12, r: 9.5 }),
      h('path', { d: 'M9.2 9.3a2.9 2.9 0 1 1 4.1 2.6c-.8.4-1.3 1-1.3 1.9v.6', strokeLinecap: 'round' }),
      h('circle', { cx: 12, cy: 17.3, r: 0.6, fill: 'currentColor' }),
    );
  }

  function ReadyQuestions() {
    const editor = useEditorContext({ nonNull: true });
    const execution = useExecutionContext({ nonNull: true });

    function open(question, event) {
      // A plain click opens the question in a new tab and runs it, leaving the person's
      // own work in its tab; Ctrl/Cmd-click opens the link.
      if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      if (!editor.queryEditor) return;
      editor.addTab();
      // The new tab takes over the editors a moment later: fill them after that.
      window.setTimeout(() => {
        editor.queryEditor.setValue(question.query);
        if (editor.variableEditor) editor.variableEditor.setValue(question.variables || '');
        // The editor works out the operation name a moment after a change: run after it.
        window.setTimeout(() => execution.run(), 250);
      }, 50);
    }

    return h(
      'section',
      { className: 'regkg-questions', 'aria-label': 'Ready questions' },
      h('div', { className: 'graphiql-doc-explorer-title' }, 'Ready questions'),
      h(
        'p',
        { className: 'regkg-hint' },
        'Click one: it opens in a new tab and runs. Edit it freely; the address bar always links to what is on screen.',
      ),
      h(
        'ol',
        null,
        QUESTIONS.map((question) =>
          h(
            'li',
            { key: question.id },
            h(
              'a',
              {
                href: question.link,
                className: 'regkg-question',
                'data-question': question.id,
                onClick: (event) => open(question, event),
              },
              h('strong', null, question.title),
              h('span', null, question.explanation),
            ),
          ),
        ),
      ),
    );
  }

  const readyPlugin = { title: 'Ready questions', icon: QuestionsIcon, content: ReadyQuestions };
  const explorer = GraphiQLPluginExplorer.explorerPlugin({ showAttribution: false });

  function filenameOf(response, format) {
    const header = response.headers.get('content-disposition') || '';
    const match = /filename="([^"]+)"/.exec(header);
    return match ? match[1] : `regkg.${format}`;
  }

  // Under the answer: download it as CSV or JSON. The server runs the query again and
  // flattens it (web/export.py), so the file and the HTTP route always agree.
  function ExportBar() {
    const editor = useEditorContext({ nonNull: true });
    const [message, setMessage] = React.useState('');

    function exportURL(format) {
      const query = editor.queryEditor ? editor.queryEditor.getValue() : '';
      const url = new URLSearchParams({ query, format });
      // A byte-order mark tells Excel that the file is UTF-8 (names like "Société").
      if (format === 'csv') url.set('bom', '1');
      const variables = editor.variableEditor ? editor.variableEditor.getValue() : '';
      if (variables && variables.trim()) url.set('variables', variables);
      const operationName = editor.queryEditor && editor.queryEditor.operationName;
      if (operationName) url.set('operationName', operationName);
      return `/graphql?${url}`;
    }

    async function download(format, event) {
      event.preventDefault();
      setMessage('Preparing the file...');
      try {
        const response = await fetch(exportURL(format));
        if (!response.ok) {
          const payload = await response.json().catch(() => ({}));
          const errors = (payload.errors || []).map((e) => e.message).join('; ');
          setMessage(`Cannot export: ${errors || response.statusText}`);
          return;
        }
        const blob = await response.blob();
        const link = document.createElement('a');
        link.href = URL.createObjectURL(blob);
        link.download = filenameOf(response, format);
        document.body.append(link);
        link.click();
        link.remove();
        window.setTimeout(() => URL.revokeObjectURL(link.href), 10000);
        const rows = response.headers.get('x-regkg-rows');
        setMessage(`Saved ${link.download}${rows ? ` (${rows} rows)` : ''}.`);
      } catch (error) {
        setMessage(`Cannot export: ${error.message}`);
      }
    }

    function button(format, label) {
      return h(
        'a',
        {
          href: '#',
          className: 'regkg-button',
          'data-export': format,
          onMouseEnter: (event) => { event.currentTarget.href = exportURL(format); },
          onFocus: (event) => { event.currentTarget.href = exportURL(format); },
          onClick: (event) => download(format, event),
        },
        label,
      );
    }

    return h(
      'div',
      { className: 'regkg-export' },
      h('span', null, 'Download this answer:'),
      button('csv', 'Download CSV'),
      button('json', 'JSON'),
      h('span', { className: 'regkg-export-message', role: 'status' }, message ||
        'One row per item of the first list, with source URLs and the data version.'),
    );
  }

  // A shared link answers as soon as it opens: every regkg query only reads, but a
  // mutation, should one ever exist, waits for the person to press Run.
  const READ_ONLY = /^(\s*#[^\n]*\n)*\s*(query\b|\{)/;
  const answerOnOpen = { pending: Boolean(state.query && READ_ONLY.test(state.query)) };
  function AnswerOnOpen() {
    const editor = useEditorContext({ nonNull: true });
    const execution = useExecutionContext({ nonNull: true });
    // `run` reads the editors it was made with: wait for a render where they exist.
    React.useEffect(() => {
      if (!answerOnOpen.pending || !editor.queryEditor) return undefined;
      const timer = window.setTimeout(() => {
        answerOnOpen.pending = false;
        execution.run();
      }, 250);
      return () => window.clearTimeout(timer);
    }, [editor.queryEditor, execution.run]);
    return null;
  }

  function onTabChange(tabs) {
    const tab = tabs.tabs[tabs.activeTabIndex];
    if (!tab) return;
    state.query = tab.query;
    state.variables = tab.variables;
    updateURL();
  }

  // On a phone the plugin pane would take the whole width: start with it closed.
  const narrow = window.matchMedia('(max-width: 700px)').matches;
  const root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(
    h(
      GraphiQL,
      {
        fetcher,
        plugins: [readyPlugin, explorer],
        visiblePlugin: narrow ? null : readyPlugin,
        defaultQuery: WELCOME,
        query: state.query || undefined,
        variables: state.variables || undefined,
        onEditQuery: (query) => { state.query = query; updateURL(); },
        onEditVariables: (variables) => { state.variables = variables; updateURL(); },
        onTabChange,
        isHeadersEditorEnabled: false,
        shouldPersistHeaders: false,
        defaultEditorToolsVisibility: Boolean(state.variables),
      },
      h(GraphiQL.Logo, null, h('a', { href: '/', className: 'regkg-logo' }, 'regkg')),
      h(GraphiQL.Footer, null, h(ExportBar), h(AnswerOnOpen)),
    ),
  );
})();
