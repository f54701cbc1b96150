// Shared by regkg's pages: GraphQL over fetch, the kinds of entity and their colours,
// labels, and a small DOM builder. Every request goes to this server's /graphql.
(function () {
  'use strict';

  async function query(text, variables) {
    const response = await fetch('/graphql', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
      },
      body: JSON.stringify({ query: text, variables: variables || {} }),
    });
    const payload = await response.json();
    if (payload.errors && payload.errors.length) {
      throw new Error(payload.errors.map((e) => e.message).join('; '));
    }
    return payload.data;
  }

  // Colours after Okabe and Ito, told apart by most colour-blind readers too.
  const KINDS = {
    Substance: { label: 'Substance', colour: '#D55E00' },
    Condition: { label: 'Condition', colour: '#0072B2' },
    Organisation: { label: 'Organisation', colour: '#009E73' },
    Trial: { label: 'Trial', colour: '#CC79A7' },
    RegulatoryAction: { label: 'Regulatory action', colour: '#E69F00' },
    Event: { label: 'Event', colour: '#56B4E9' },
    Target: { label: 'Target (neurotransmitter, hormone, brain region)', colour: '#F0E442' },
    Effect: { label: 'Effect', colour: '#999999' },
    Claim: { label: 'Claim', colour: '#8C564B' },
    Conflict: { label: 'Conflict between sources', colour: '#222222' },
    Source: { label: 'Source', colour: '#BBBBBB' },
  };

  // What every page asks about an entity to name it.
  const LABEL_FRAGMENT = `
fragment Label on Node {
  __typename
  regkgId
  ... on Substance { name }
  ... on Condition { name abbreviations }
  ... on Organisation { name }
  ... on Target { name }
  ... on Trial { registryId acronym title }
  ... on RegulatoryAction { action summary actionDate: date announced jurisdiction { code name } }
  ... on Event { summary eventDate: date }
  ... on Effect { summary }
  ... on Claim { statement }
  ... on Conflict { question }
  ... on Source { title publisher url sourcePublished: published }
}`;

  function humanise(value) {
    return String(value || '').toLowerCase().replace(/_/g, ' ');
  }

  function shorten(text, length) {
    text = String(text || '');
    return text.length > length ? text.slice(0, length - 1).trimEnd() + '…' : text;
  }

  function labelOf(node) {
    switch (node.__typename) {
      case 'Substance':
      case 'Organisation':
      case 'Target':
        return node.name;
      case 'Condition':
        return (node.abbreviations && node.abbreviations[0]) || node.name;
      case 'Trial':
        return node.acronym || node.registryId;
      case 'RegulatoryAction':
        return `${humanise(node.action)} ${node.actionDate || node.announced || ''}`.trim();
      case 'Event':
      case 'Effect':
        return shorten(node.summary, 40);
      case 'Claim':
        return shorten(node.statement, 40);
      case 'Conflict':
        return shorten(node.question, 40);
      case 'Source':
        return node.publisher;
      default:
        return node.regkgId;
    }
  }

  function titleOf(node) {
    return node.name || node.title || node.summary || node.statement || node.question || node.regkgId;
  }

  // el('a', {href: '/x', class: 'y'}, 'text', child): text is always set as text, never HTML.
  function el(tag, attrs, ...children) {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
      else element.setAttribute(name, value === true ? '' : value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      element.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return element;
  }

  // A list of citations: publisher and date linked to the source, with the quote.
  function sourcesList(sources) {
    if (!sources || !sources.length) return el('p', { class: 'regkg-hint' }, 'No sources cited.');
    return el(
      'ul',
      { class: 'regkg-sources' },
      sources.map((citation) => {
        const source = citation.source || citation;
        const when = source.published || source.sourcePublished;
        const label = [source.publisher || source.url, when ? ` (${when})` : ''];
        // A copy with no public address is named, not linked: there is nowhere to go.
        const named = source.url
          ? el('a', { href: source.url, target: '_blank', rel: 'noopener noreferrer', class: 'regkg-source-link' }, ...label)
          : el('span', { class: 'regkg-source-link', title: 'no public address' }, ...label);
        return el(
          'li',
          {},
          named,
          source.title ? el('span', { class: 'regkg-source-title' }, ` ${source.title}`) : null,
          citation.quote ? el('q', {}, citation.quote) : null,
        );
      }),
    );
  }

  async function showVersion() {
    const slot = document.getElementById('regkg-version');
    if (!slot) return;
    try {
      const data = await query('{ meta { dataVersion } }');
      slot.textContent = `data version ${data.meta.dataVersion}`;
      slot.dataset.version = data.meta.dataVersion;
    } catch (error) {
      slot.textContent = 'data version unknown';
    }
  }

  window.regkg = { query, KINDS, LABEL_FRAGMENT, labelOf, titleOf, humanise, shorten, el, sourcesList };
  showVersion();
})();
