// The timeline page: a substance's regulatory story on a time axis, one lane per
// jurisdiction and condition, with trials and company events below; every entry is
// listed underneath with its sources. /timeline?substance=MDMA&condition=PTSD&jurisdiction=US
(function () {
  'use strict';
  const { query, KINDS, LABEL_FRAGMENT, humanise, el, sourcesList } = window.regkg;

  const CHOICES = `query Choices {
  substances(first: 100) { nodes { name regkgId } }
  conditions(first: 100) { nodes { name abbreviations regkgId } }
  jurisdictions(first: 100) { nodes { code name } }
}`;

  const STORY = `query Story($substance: String!, $condition: String, $jurisdiction: String,
    $trials: Boolean!, $withStatus: Boolean!) {
  substance(name: $substance) { name regkgId }
  regulatoryStatus(substance: $substance, condition: $condition, jurisdiction: $jurisdiction)
    @include(if: $withStatus) { asOf phase summary }
  timeline(substance: $substance, condition: $condition, jurisdiction: $jurisdiction,
    includeTrials: $trials) {
    date
    what
    label
    node {
      ...Label
      ... on RegulatoryAction { condition { name abbreviations } agency { name } jurisdiction { code } }
      ... on Sourced { sources { quote source { title publisher published url } } }
    }
  }
}
${LABEL_FRAGMENT}`;

  const form = document.getElementById('timeline-form');
  const fields = {
    substance: document.getElementById('timeline-substance'),
    condition: document.getElementById('timeline-condition'),
    jurisdiction: document.getElementById('timeline-jurisdiction'),
    trials: document.getElementById('timeline-trials'),
  };
  const status = document.getElementById('timeline-status');
  const chart = document.getElementById('timeline-chart');
  const list = document.getElementById('timeline-list');
  let entries = [];

  function say(text, isError) {
    status.textContent = text;
    status.classList.toggle('regkg-error', Boolean(isError));
  }

  function wanted() {
    const params = new URLSearchParams(window.location.search);
    return {
      substance: params.get('substance') || 'MDMA',
      condition: params.get('condition') || '',
      jurisdiction: (params.get('jurisdiction') || '').toUpperCase(),
      trials: params.get('trials') !== '0',
    };
  }

  // A partial date (YYYY, YYYY-MM, YYYY-MM-DD) as the first and last day it may mean.
  function span(text) {
    const [year, month, day] = text.split('-').map(Number);
    if (day) { const d = Date.UTC(year, month - 1, day); return [d, d]; }
    if (month) return [Date.UTC(year, month - 1, 1), Date.UTC(year, month, 0)];
    return [Date.UTC(year, 0, 1), Date.UTC(year, 11, 31)];
  }

  function laneOf(entry) {
    const node = entry.node;
    if (node.__typename === 'RegulatoryAction') {
      const condition = node.condition
        ? (node.condition.abbreviations && node.condition.abbreviations[0]) || node.condition.name
        : 'all conditions';
      return { key: `a:${node.jurisdiction.code}:${condition}`, label: `${node.jurisdiction.code} · ${condition}`, order: 0 };
    }
    if (entry.what.startsWith('trial_')) return { key: 't', label: 'Trials and results', order: 1 };
    return { key: 'e', label: 'Companies and press', order: 2 };
  }

  function colourOf(entry) {
    if (entry.what === 'trial_results') return KINDS.Trial.colour;
    return (KINDS[entry.node.__typename] || {}).colour || '#888';
  }

  const SVG = 'http://www.w3.org/2000/svg';
  function svg(tag, attrs, ...children) {
    const element = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attrs || {})) element.setAttribute(name, value);
    for (const child of children) element.append(child instanceof Node ? child : document.createTextNode(String(child)));
    return element;
  }

  // Short names for the milestones worth naming on the chart itself, most important first:
  // when labels would overlap, the later ones give way.
  const MILESTONES = [
    ['complete_response_letter', 'Rejected (CRL)'],
    ['approval', 'Approved'],
    ['application_submitted', 'Application'],
    ['breakthrough_therapy_designation', 'Breakthrough'],
    ['advisory_committee_vote', 'Panel vote'],
    ['rescheduling', 'Rescheduled'],
    ['scheduling', 'Scheduled'],
    ['expanded_access', 'Expanded access'],
    ['clinical_hold', 'Clinical hold'],
    ['priority_review', 'Priority review'],
    ['special_protocol_assessment', 'Protocol agreed'],
  ];
  const LABEL_ROWS = 3;

  function draw() {
    chart.replaceChildren();
    if (!entries.length) return;
    const width = Math.max(640, chart.clientWidth || 900);
    const left = 170;
    const right = 16;
    const top = 24;
    const lanes = [];
    for (const entry of entries) {
      if (!lanes.some((lane) => lane.key === entry.lane.key)) {
        lanes.push({ ...entry.lane, slots: [], labels: [] });
      }
    }
    lanes.sort((a, b) => a.order - b.order || a.label.localeCompare(b.label));
    const first = new Date(entries[0].span[0]).getUTCFullYear();
    const last = new Date(Math.max(...entries.map((e) => e.span[1]))).getUTCFullYear() + 1;
    const start = Date.UTC(first, 0, 1);
    const end = Date.UTC(last, 0, 1);
    const x = (t) => left + ((t - start) / (end - start)) * (width - left - right);
    let y = top;
    for (const lane of lanes) {
      lane.named = lane.order === 0;  // regulatory lanes name their milestones
      lane.y = y;
      lane.height = lane.named ? 36 + LABEL_ROWS * 11 : 40;
      y += lane.height;
    }
    const height = y + 8;
    const root = svg('svg', {
      viewBox: `0 0 ${width} ${height}`,
      role: 'img',
      'aria-label': `Timeline of ${entries.length} entries`,
    });
    for (const lane of lanes) {
      root.append(svg('rect', { class: 'lane', x: left, y: lane.y + 2, width: width - left - right, height: lane.height - 4, rx: 4 }));
      root.append(svg('text', { class: 'lane-label', x: left - 8, y: lane.y + lane.height / 2 + 4, 'text-anchor': 'end' }, lane.label));
    }
    for (let year = first; year <= last; year += 1) {
      const at = x(Date.UTC(year, 0, 1));
      root.append(svg('line', { class: 'grid', x1: at, x2: at, y1: top - 4, y2: height - 8 }));
      if (year < last) root.append(svg('text', { class: 'year', x: at + 3, y: top - 8 }, year));
    }
    entries.forEach((entry, index) => {
      const lane = lanes.find((l) => l.key === entry.lane.key);
      const x0 = x(entry.span[0]);
      const x1 = Math.max(x(entry.span[1] + 86400000), x0 + 1);
      // Entries too close to draw apart go on the next row of the lane.
      let slot = lane.slots.findIndex((taken) => x0 > taken + 4);
      if (slot < 0) { slot = lane.slots.length; lane.slots.push(-Infinity); }
      lane.slots[slot] = Math.max(x1, x0 + 12);
      const base = lane.named ? lane.y + 12 + LABEL_ROWS * 11 : lane.y + 12;
      const my = base + (slot % 3) * 9;
      const colour = colourOf(entry);
      const precise = entry.date.length === 10;
      const mark = precise
        ? svg('circle', { class: 'mark', cx: x0, cy: my + 4, r: 6, fill: colour })
        : svg('rect', { class: 'mark', x: x0, y: my - 1, width: Math.max(x1 - x0, 10), height: 10, rx: 5, fill: colour });
      const link = svg('a', { href: `#entry-${index}`, 'data-entry': index }, svg('title', {}, `${entry.date}: ${entry.label}`), mark);
      root.append(link);
      const rank = MILESTONES.findIndex(([what]) => what === entry.what);
      if (lane.named && rank >= 0) lane.labels.push({ rank, x0, my, name: MILESTONES[rank][1] });
    });
    for (const lane of lanes) {
      const rows = Array.from({ length: LABEL_ROWS }, () => []);
      const free = (row, from, to) => row.every(([a, b]) => to < a || from > b);
      for (const label of lane.labels.sort((a, b) => a.rank - b.rank)) {
        const room = label.name.length * 6 + 4;
        let placed = null;
        for (let index = 0; index < rows.length && !placed; index += 1) {
          const rightward = [label.x0 - 3, label.x0 - 3 + room];
          const leftward = [label.x0 + 3 - room, label.x0 + 3];
          if (rightward[1] < width - right && free(rows[index], ...rightward)) placed = { index, span: rightward, anchor: 'start' };
          else if (leftward[0] > left && free(rows[index], ...leftward)) placed = { index, span: leftward, anchor: 'end' };
        }
        if (!placed) continue;
        rows[placed.index].push(placed.span);
        const ty = lane.y + 13 + placed.index * 11;
        root.append(svg('line', { class: 'tick', x1: label.x0, x2: label.x0, y1: ty + 2, y2: label.my - 2 }));
        root.append(svg('text', {
          class: 'milestone',
          x: placed.anchor === 'start' ? label.x0 - 3 : label.x0 + 3,
          y: ty,
          'text-anchor': placed.anchor,
        }, label.name));
      }
    }
    chart.append(root);
  }

  function renderList() {
    const items = [];
    let year = '';
    entries.forEach((entry, index) => {
      const thisYear = entry.date.slice(0, 4);
      if (thisYear !== year) {
        year = thisYear;
        items.push(el('li', { class: 'regkg-year', 'aria-hidden': 'true' }, year));
      }
      const node = entry.node;
      const kind = KINDS[node.__typename] || { label: node.__typename, colour: '#888' };
      const sources = node.__typename === 'Source'
        ? sourcesList([{ source: { ...node, published: node.sourcePublished } }])
        : sourcesList(node.sources);
      items.push(el(
        'li',
        { class: 'regkg-entry', id: `entry-${index}`, 'data-date': entry.date, 'data-what': entry.what, 'data-node': node.regkgId },
        el('time', { datetime: entry.date }, entry.date),
        el('span', { class: 'regkg-kind' }, el('span', { class: 'regkg-swatch', style: `background:${colourOf(entry)}` }),
          `${humanise(entry.what)} · ${entry.lane.label}`),
        el('p', { class: 'regkg-entry-label' }, entry.label),
        sources,
        el('p', { class: 'regkg-entry-links' },
          el('a', { href: `/explore?id=${encodeURIComponent(node.regkgId)}` }, 'Open in the graph'),
          node.__typename === 'RegulatoryAction' && node.agency ? ` · ${node.agency.name}` : ''),
      ));
    });
    list.replaceChildren(...items);
  }

  async function load() {
    const want = wanted();
    say('Loading…');
    try {
      const data = await query(STORY, {
        substance: want.substance,
        condition: want.condition || null,
        jurisdiction: want.jurisdiction || null,
        trials: want.trials,
        withStatus: Boolean(want.jurisdiction),
      });
      const name = data.substance ? data.substance.name : want.substance;
      const scope = [want.condition || null, want.jurisdiction || null].filter(Boolean).join(', ');
      document.getElementById('timeline-title').textContent = `${name}: the story${scope ? ` (${scope})` : ''}`;
      document.title = `regkg: ${name} timeline`;
      // `what` is an enum (BREAKTHROUGH_THERAPY_DESIGNATION): the page works in lower case.
      entries = data.timeline.map((raw) => {
        const entry = { ...raw, what: raw.what.toLowerCase() };
        return { ...entry, span: span(entry.date), lane: laneOf(entry) };
      });
      const summary = document.getElementById('timeline-summary');
      const range = entries.length ? `${entries.length} dated entries, ${entries[0].date.slice(0, 4)} to ${entries[entries.length - 1].date.slice(0, 4)}.` : 'Nothing dated.';
      summary.textContent = data.regulatoryStatus
        ? `Status today: ${data.regulatoryStatus.summary} ${range}`
        : `${range} Choose a jurisdiction to see the status today.`;
      draw();
      renderList();
      say('');
      document.body.dataset.loaded = 'true';
      if (window.location.hash) {
        const target = document.getElementById(window.location.hash.slice(1));
        if (target) target.scrollIntoView();
      }
    } catch (error) {
      say(error.message, true);
    }
  }

  function option(value, label, selected) {
    return el('option', { value, selected: selected || null }, label);
  }

  async function setUp() {
    const want = wanted();
    try {
      const data = await query(CHOICES);
      fields.substance.replaceChildren(...data.substances.nodes.map((s) =>
        option(s.name, s.name, s.name.toLowerCase() === want.substance.toLowerCase() || s.regkgId === want.substance)));
      fields.condition.replaceChildren(option('', 'All conditions', !want.condition), ...data.conditions.nodes.map((c) => {
        const short = (c.abbreviations && c.abbreviations[0]) || c.name;
        const chosen = [c.name, short, c.regkgId].some((v) => v.toLowerCase() === want.condition.toLowerCase());
        return option(short, c.name, chosen);
      }));
      fields.jurisdiction.replaceChildren(option('', 'All', !want.jurisdiction),
        ...data.jurisdictions.nodes.map((j) => option(j.code, j.name, j.code === want.jurisdiction)));
    } catch (error) {
      say(error.message, true);
    }
    fields.trials.checked = want.trials;
    await load();
  }

  form.addEventListener('change', () => {
    const params = new URLSearchParams();
    params.set('substance', fields.substance.value);
    if (fields.condition.value) params.set('condition', fields.condition.value);
    if (fields.jurisdiction.value) params.set('jurisdiction', fields.jurisdiction.value);
    if (!fields.trials.checked) params.set('trials', '0');
    window.history.replaceState(null, '', `${window.location.pathname}?${params}`);
    load();
  });
  let resize = 0;
  window.addEventListener('resize', () => { window.clearTimeout(resize); resize = window.setTimeout(draw, 150); });

  setUp();
})();
