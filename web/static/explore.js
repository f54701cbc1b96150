// The explore page: an entity's neighbourhood drawn with cytoscape.js. Click a node to
// open its details and sources and to draw its own neighbours. /explore?id=substance:mdma
(function () {
  'use strict';
  const { query, KINDS, LABEL_FRAGMENT, labelOf, titleOf, humanise, el, sourcesList } = window.regkg;

  const NEIGHBOURHOOD = `query Neighbourhood($id: String!) {
  neighbourhood(id: $id, depth: 1) {
    nodes { ...Label }
    edges { source target relation }
  }
}
${LABEL_FRAGMENT}`;

  const DETAILS = `query Details($id: String!) {
  entity(id: $id) {
    ...Label
    ... on Sourced { howToCite origin sources { quote source { title publisher published url } } }
    ... on Source { howToCite sourceType: type citedByCount }
    ... on Substance { synonyms codeNames brandNames drugClass usSchedule description }
    ... on Condition { synonyms description }
    ... on Organisation { organisationType: type country { name } }
    ... on Trial { phase trialStatus: status enrollment enrollmentType start primaryCompletion registryUrl sponsor { name } }
    ... on RegulatoryAction { disclosure dateNote effective agency { name } sponsorNameThen condition { name } }
    ... on Event { eventType: type dateNote }
    ... on Effect { direction population evidence }
    ... on Claim { claimStatus: status predicate value assessment }
    ... on Conflict { conflictStatus: status resolution }
  }
}
${LABEL_FRAGMENT}`;

  const SEARCH = `query Find($text: String!) {
  search(text: $text, first: 8) { nodes { kind label matched node { regkgId } } }
}`;

  const status = document.getElementById('explore-status');
  const details = document.getElementById('explore-details');
  const expanded = new Set();

  function say(text, isError) {
    status.textContent = text;
    status.classList.toggle('regkg-error', Boolean(isError));
  }

  const cy = window.cytoscape({
    container: document.getElementById('explore-graph'),
    minZoom: 0.2,
    maxZoom: 3,
    style: [
      {
        selector: 'node',
        style: {
          'background-color': 'data(colour)',
          label: 'data(label)',
          'font-size': 9,
          'min-zoomed-font-size': 7,
          'text-valign': 'bottom',
          'text-margin-y': 3,
          'text-wrap': 'ellipsis',
          'text-max-width': 110,
          'text-background-color': '#ffffff',
          'text-background-opacity': 0.75,
          'text-background-padding': 1,
          width: 22,
          height: 22,
          'border-width': 1,
          'border-color': '#555',
        },
      },
      { selector: 'node.expanded', style: { 'border-width': 3, 'border-color': '#14213d' } },
      { selector: 'node.centre', style: { width: 34, height: 34, 'font-size': 12, 'font-weight': 'bold' } },
      { selector: 'node:selected', style: { 'border-width': 4, 'border-color': '#b3235d' } },
      {
        selector: 'edge',
        style: {
          width: 1.2,
          'line-color': '#b8c0ca',
          'target-arrow-color': '#b8c0ca',
          'target-arrow-shape': 'triangle',
          'arrow-scale': 0.7,
          'curve-style': 'bezier',
        },
      },
      {
        // Relations are named on the edges of the selected node only, to keep the picture legible.
        selector: 'edge.near',
        style: {
          width: 2,
          'line-color': '#6b7785',
          'target-arrow-color': '#6b7785',
          label: 'data(relation)',
          'font-size': 8,
          color: '#3d4650',
          'text-rotation': 'autorotate',
          'text-background-color': '#ffffff',
          'text-background-opacity': 0.85,
        },
      },
    ],
  });
  // For people poking at the page, and for the browser tests.
  window.regkgExplore = { cy, expanded, ready: false };

  function addNeighbourhood(data, around) {
    const origin = around ? around.position() : { x: 0, y: 0 };
    const added = [];
    data.neighbourhood.nodes.forEach((node, index) => {
      if (cy.getElementById(node.regkgId).nonempty()) return;
      const angle = (2 * Math.PI * index) / Math.max(1, data.neighbourhood.nodes.length);
      added.push({
        group: 'nodes',
        data: {
          id: node.regkgId,
          label: labelOf(node),
          kind: node.__typename,
          colour: (KINDS[node.__typename] || {}).colour || '#888',
        },
        position: { x: origin.x + 120 * Math.cos(angle), y: origin.y + 120 * Math.sin(angle) },
      });
    });
    for (const edge of data.neighbourhood.edges) {
      const id = `${edge.source}|${edge.relation}|${edge.target}`;
      if (cy.getElementById(id).nonempty()) continue;
      added.push({ group: 'edges', data: { id, source: edge.source, target: edge.target, relation: humanise(edge.relation) } });
    }
    cy.add(added);
    return added.filter((item) => item.group === 'nodes').length;
  }

  function layout(fit, fresh) {
    return new Promise((resolve) => {
      const run = cy.layout({
        name: 'cose',
        animate: false,
        randomize: Boolean(fresh),
        fit,
        padding: 30,
        nodeRepulsion: () => 400000,
        nodeOverlap: 20,
        idealEdgeLength: () => 70,
        edgeElasticity: () => 100,
        gravity: 0.3,
        numIter: 2500,
      });
      run.one('layoutstop', resolve);
      run.run();
    });
  }

  async function expand(id, fit) {
    if (expanded.has(id)) return 0;
    const data = await query(NEIGHBOURHOOD, { id });
    const node = cy.getElementById(id);
    const fresh = node.empty();
    const added = addNeighbourhood(data, fresh ? null : node);
    expanded.add(id);
    cy.getElementById(id).addClass('expanded');
    if (added) {
      await layout(fit, fresh);
      if (!fit) cy.animate({ fit: { eles: cy.elements(), padding: 30 } }, { duration: 300 });
    }
    return added;
  }

  const NOT_RECORDED = 'not recorded in the sources read';
  // Fields a reader expects of every record of a kind: when one is blank, say so rather
  // than leave it out, so that "no sponsor" is not read as "no sponsor shown".
  const EXPECTED = {
    Trial: ['phase', 'status', 'sponsor', 'enrollment', 'start'],
    RegulatoryAction: ['date', 'agency'],
  };

  function fieldRow(label, value, expected) {
    const blank = value === null || value === undefined || value === '' || (Array.isArray(value) && !value.length);
    if (blank && expected) return [el('dt', {}, label), el('dd', { class: 'regkg-not-recorded' }, NOT_RECORDED)];
    if (blank) return [];
    const text = Array.isArray(value) ? value.join(', ') : typeof value === 'object' ? value.name : String(value);
    return [el('dt', {}, label), el('dd', {}, text)];
  }

  function graphiqlLink(id) {
    const text = `# Everything regkg holds about ${id}, with sources.
{
  entity(id: "${id}") {
    regkgId
    ... on Sourced { howToCite sources { quote source { publisher published url } } }
  }
}
`;
    return `/graphql?${new URLSearchParams({ query: text })}`;
  }

  async function showDetails(id) {
    details.replaceChildren(el('p', { class: 'regkg-hint' }, 'Loading…'));
    const { entity } = await query(DETAILS, { id });
    if (!entity) {
      details.replaceChildren(el('p', { class: 'regkg-error' }, `No entity ${id}.`));
      return;
    }
    const kind = KINDS[entity.__typename] || { label: entity.__typename, colour: '#888' };
    const expected = new Set(EXPECTED[entity.__typename] || []);
    const field = (label, value) => fieldRow(label, value, expected.has(label));
    const fields = [
      ...field('id', entity.regkgId),
      ...field('action', entity.action && humanise(entity.action)),
      ...field('date', entity.actionDate || entity.eventDate),
      ...field('announced', entity.announced),
      ...field('effective', entity.effective),
      ...field('date note', entity.dateNote),
      ...field('jurisdiction', entity.jurisdiction && entity.jurisdiction.name),
      ...field('agency', entity.agency),
      ...field('sponsor', entity.__typename === 'Trial' ? entity.sponsor : null),
      ...field('condition', entity.condition),
      ...field('sponsor then', entity.sponsorNameThen),
      ...field('disclosed by', entity.disclosure && humanise(entity.disclosure)),
      ...field('registry id', entity.registryId),
      ...field('phase', entity.phase),
      ...field('status', entity.trialStatus || entity.claimStatus || entity.conflictStatus),
      ...field('enrollment', entity.enrollment !== null && entity.enrollment !== undefined
        ? `${entity.enrollment} (${humanise(entity.enrollmentType)})` : null),
      ...field('start', entity.start),
      ...field('primary completion', entity.primaryCompletion),
      ...field('code names', entity.codeNames),
      ...field('brand names', entity.brandNames),
      ...field('synonyms', entity.synonyms),
      ...field('class', entity.drugClass),
      ...field('US schedule', entity.usSchedule),
      ...field('type', humanise(entity.sourceType || entity.organisationType || entity.eventType)),
      ...field('country', entity.country && entity.country.name),
      ...field('direction', entity.direction && humanise(entity.direction)),
      ...field('population', entity.population),
      ...field('evidence', entity.evidence),
      ...field('value', entity.value),
      ...field('assessment', entity.assessment),
      ...field('resolution', entity.resolution),
      ...field('curated at', entity.origin),
    ];
    const actions = [
      el('a', { href: graphiqlLink(entity.regkgId) }, 'Ask in GraphiQL'),
      el('a', { href: `/explore?id=${encodeURIComponent(entity.regkgId)}` }, 'Centre here'),
    ];
    if (entity.__typename === 'Substance') {
      actions.push(el('a', { href: `/timeline?substance=${encodeURIComponent(entity.name)}` }, 'Timeline'));
    }
    if (entity.registryUrl) {
      actions.push(el('a', { href: entity.registryUrl, target: '_blank', rel: 'noopener noreferrer' }, 'Registry page'));
    }
    const sources = entity.__typename === 'Source'
      ? sourcesList([{ source: { ...entity, published: entity.sourcePublished } }])
      : sourcesList(entity.sources);
    details.replaceChildren(...[
      el('span', { class: 'regkg-kind' }, el('span', { class: 'regkg-swatch', style: `background:${kind.colour}` }), kind.label),
      el('h2', { id: 'details-title' }, titleOf(entity)),
      entity.description ? el('p', {}, entity.description) : null,
      el('dl', { class: 'regkg-fields' }, fields),
      el('div', { class: 'regkg-actions' }, actions),
      el('h3', {}, 'Sources'),
      sources,
      entity.howToCite ? el('h3', {}, 'How to cite') : null,
      entity.howToCite ? el('p', { class: 'regkg-cite' }, entity.howToCite) : null,
    ].filter(Boolean));
    details.dataset.entity = entity.regkgId;
  }

  // Every node drawn is also a button in the side list: the graph can be walked with the
  // keyboard (Tab, Enter) as well as with a mouse.
  const nodeList = document.getElementById('explore-nodes');
  function listNodes() {
    const drawn = cy.nodes().map((node) => ({ id: node.id(), label: node.data('label'), kind: node.data('kind') }));
    drawn.sort((a, b) => a.kind.localeCompare(b.kind) || String(a.label).localeCompare(String(b.label)));
    nodeList.replaceChildren(...drawn.map((node) => el('li', {}, el('button', {
      type: 'button',
      'data-node': node.id,
      onclick: () => select(node.id),
    }, `${node.label} `, el('small', { class: 'regkg-hint' }, (KINDS[node.kind] || { label: node.kind }).label)))));
  }

  function counts() {
    return `${cy.nodes().length} entities, ${cy.edges().length} relations`;
  }

  async function select(id) {
    const node = cy.getElementById(id);
    cy.nodes().unselect();
    node.select();
    cy.edges().removeClass('near');
    node.connectedEdges().addClass('near');
    const url = new URL(window.location.href);
    url.searchParams.set('id', id);
    window.history.replaceState(null, '', url);
    say(`Loading ${id}…`);
    try {
      const [added] = await Promise.all([expand(id, false), showDetails(id)]);
      cy.edges().removeClass('near');
      node.connectedEdges().addClass('near');
      listNodes();
      say(added ? `${counts()} (${added} new around ${node.data('label')})` : counts());
    } catch (error) {
      say(error.message, true);
    }
  }

  async function centre(id) {
    cy.elements().remove();
    expanded.clear();
    window.regkgExplore.ready = false;
    say(`Loading ${id}…`);
    try {
      await expand(id, true);
      cy.getElementById(id).addClass('centre');
      await select(id);
      cy.fit(undefined, 40);
      window.regkgExplore.ready = true;
    } catch (error) {
      say(error.message, true);
    }
  }

  cy.on('tap', 'node', (event) => select(event.target.id()));

  // Legend
  document.getElementById('explore-legend').replaceChildren(
    ...Object.values(KINDS).map((kind) =>
      el('li', {}, el('span', { class: 'regkg-swatch', style: `background:${kind.colour}` }), kind.label)),
  );

  // Search
  const input = document.getElementById('explore-text');
  const hits = document.getElementById('explore-hits');
  let pending = 0;
  async function search() {
    const text = input.value.trim();
    const mine = ++pending;
    if (!text) { hits.replaceChildren(); return; }
    try {
      const data = await query(SEARCH, { text });
      if (mine !== pending) return;
      hits.replaceChildren(...data.search.nodes.map((hit) => el('li', {}, el('button', {
        type: 'button',
        onclick: () => { hits.replaceChildren(); input.value = ''; centre(hit.node.regkgId); },
      }, `${hit.label} `, el('small', { class: 'regkg-hint' }, humanise(hit.kind))))));
    } catch (error) {
      hits.replaceChildren(el('li', { class: 'regkg-hint' }, error.message));
    }
  }
  let timer = 0;
  input.addEventListener('input', () => { window.clearTimeout(timer); timer = window.setTimeout(search, 200); });
  document.getElementById('explore-search').addEventListener('submit', (event) => {
    event.preventDefault();
    window.clearTimeout(timer);
    search();
  });

  centre(new URLSearchParams(window.location.search).get('id') || 'substance:mdma');
})();
