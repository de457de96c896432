/* The collector's live page: draws GET /v1/graph with Cytoscape.js (fCoSE layout), grouped by
 * namespace, and refreshes it when the collector says the graph changed (SSE /v1/events). */
/* global window, document, EventSource, URLSearchParams, cytoscape, cytoscapeFcose */
'use strict';

(function main() {
  const params = new URLSearchParams(window.location.search || window.location.hash.slice(1));
  const token = params.get('access_token');
  const withToken = (path) =>
    token ? `${path}${path.includes('?') ? '&' : '?'}access_token=${encodeURIComponent(token)}` : path;
  const select = document.getElementById('namespace');
  const summary = document.getElementById('summary');
  const state = {
    namespace: params.get('namespace') || '',
    loading: null,
    again: false,
    renders: 0,
    lastRenderMs: 0,
  };

  cytoscape.use(cytoscapeFcose);
  const cy = cytoscape({
    container: document.getElementById('graph'),
    wheelSensitivity: 0.3,
    textureOnViewport: true,
    hideEdgesOnViewport: true,
    minZoom: 0.02,
    style: [
      {
        selector: 'node',
        style: {
          label: 'data(label)',
          'font-size': 10,
          'min-zoomed-font-size': 7,
          'text-valign': 'bottom',
          'text-margin-y': 3,
          width: 18,
          height: 18,
          'background-color': '#4c78a8',
        },
      },
      { selector: 'node[kind = "host"]', style: { 'background-color': '#9d9d9d', shape: 'round-rectangle' } },
      { selector: 'node[kind = "external"]', style: { 'background-color': '#72b7b2', shape: 'diamond' } },
      {
        selector: 'node.group',
        style: {
          'background-color': '#f3f3f3',
          'background-opacity': 0.7,
          'border-color': '#ccc',
          'border-width': 1,
          shape: 'round-rectangle',
          label: 'data(label)',
          'text-valign': 'top',
          'font-size': 14,
          'font-weight': 'bold',
          color: '#666',
        },
      },
      { selector: 'node.blocked', style: { 'border-color': '#d62728', 'border-width': 3 } },
      { selector: 'node:selected', style: { 'border-color': '#000', 'border-width': 3 } },
      {
        selector: 'edge',
        style: {
          width: 'mapData(weight, 0, 10, 1, 5)',
          'line-color': '#aaa',
          'target-arrow-color': '#aaa',
          'target-arrow-shape': 'triangle',
          'curve-style': 'bezier',
          'arrow-scale': 0.8,
          label: 'data(label)',
          'font-size': 8,
          'min-zoomed-font-size': 9,
          'text-rotation': 'autorotate',
          color: '#555',
        },
      },
      {
        selector: 'edge.would-drop',
        style: { 'line-color': '#ff7f0e', 'target-arrow-color': '#ff7f0e', 'line-style': 'dashed', width: 3 },
      },
      {
        selector: 'edge.drop',
        style: { 'line-color': '#d62728', 'target-arrow-color': '#d62728', width: 3 },
      },
    ],
  });

  /** Cytoscape elements for a service graph: a compound node per namespace group. */
  function elementsOf(graph) {
    const groups = new Map();
    const nodes = [];
    for (const n of graph.nodes) {
      const group = n.namespace || (n.kind === 'external' ? 'external' : 'hosts');
      groups.set(group, true);
      const label = n.kind === 'workload' && n.workload ? n.workload : n.id;
      nodes.push({
        group: 'nodes',
        data: { id: `n:${n.id}`, parent: `g:${group}`, label, kind: n.kind, node: n },
      });
    }
    const edges = graph.edges.map((e) => {
      const blocked = e.verdicts.drop > 0 ? 'drop' : e.verdicts.would_drop > 0 ? 'would-drop' : '';
      return {
        group: 'edges',
        data: {
          id: `e:${e.source}>${e.target}:${e.port}/${e.proto}`,
          source: `n:${e.source}`,
          target: `n:${e.target}`,
          label: `${e.proto}/${e.port} (${e.flows})`,
          weight: Math.log2(1 + e.flows),
          edge: e,
        },
        classes: blocked,
      };
    });
    const parents = [...groups.keys()]
      .sort()
      .map((g) => ({ group: 'nodes', data: { id: `g:${g}`, label: g }, classes: 'group' }));
    return { parents, nodes, edges };
  }

  /** Applies a new graph: adds, updates and removes elements; lays out again when nodes arrived. */
  function apply(graph) {
    const started = performance.now();
    const { parents, nodes, edges } = elementsOf(graph);
    const wanted = new Set([...parents, ...nodes, ...edges].map((el) => el.data.id));
    let added = 0;
    cy.batch(() => {
      cy.elements().forEach((el) => {
        if (!wanted.has(el.id())) el.remove();
      });
      for (const el of [...parents, ...nodes, ...edges]) {
        const existing = cy.getElementById(el.data.id);
        if (existing.nonempty()) {
          existing.data(el.data);
          if (el.group === 'edges') existing.classes(el.classes);
        } else {
          cy.add(el);
          if (el.group === 'nodes') added++;
        }
      }
      cy.nodes('.blocked').removeClass('blocked');
      cy.edges('.drop, .would-drop').targets().addClass('blocked');
    });
    const finish = () => {
      state.renders++;
      state.lastRenderMs = performance.now() - started;
      document.body.dataset.state = 'ready';
      document.body.dataset.namespace = state.namespace;
      document.body.dataset.nodes = String(graph.nodes.length);
      document.body.dataset.edges = String(graph.edges.length);
      document.body.dataset.renders = String(state.renders);
      summary.textContent = `${graph.nodes.length} nodes, ${graph.edges.length} edges — updated ${new Date().toLocaleTimeString()}`;
    };
    if (added === 0) return finish();
    // Large graphs: fewer iterations and no label-aware spacing, so 2 000 nodes lay out in seconds.
    const big = graph.nodes.length > 500;
    const layout = cy.layout({
      name: 'fcose',
      quality: 'default',
      randomize: state.renders === 0 || added > graph.nodes.length / 2,
      animate: false,
      fit: true,
      padding: 20,
      nodeDimensionsIncludeLabels: !big,
      packComponents: true,
      numIter: big ? 1000 : 2500,
    });
    layout.one('layoutstop', finish);
    layout.run();
  }

  function refreshNamespaces(graph) {
    if (state.namespace !== '') return; // the filtered graph only knows its own namespaces
    const names = [
      ...new Set(graph.nodes.map((n) => n.namespace || (n.kind === 'external' ? 'external' : 'hosts'))),
    ].sort();
    const current = [...select.options].map((o) => o.value).filter((v) => v !== '');
    if (names.join('\n') === current.join('\n')) return;
    select.length = 1;
    for (const name of names) select.add(new window.Option(name, name));
  }

  /** Fetches and draws the graph; a change arriving during a load triggers one more load after it. */
  async function load() {
    if (state.loading) {
      state.again = true;
      return state.loading;
    }
    state.loading = (async () => {
      const query = state.namespace ? `?namespace=${encodeURIComponent(state.namespace)}` : '';
      const response = await window.fetch(withToken(`v1/graph${query}`));
      if (!response.ok) throw new Error(`GET /v1/graph: HTTP ${response.status}`);
      const graph = await response.json();
      refreshNamespaces(graph);
      apply(graph);
    })();
    try {
      await state.loading;
    } catch (error) {
      summary.textContent = `could not load the graph: ${error.message}`;
      document.body.dataset.state = 'error';
    } finally {
      state.loading = null;
    }
    if (state.again) {
      state.again = false;
      return load();
    }
  }

  function list(id, items) {
    const ul = document.getElementById(id);
    ul.replaceChildren(
      ...(items.length > 0 ? items : ['—']).map((text) => {
        const li = document.createElement('li');
        li.textContent = text;
        return li;
      }),
    );
  }

  function show(n) {
    document.getElementById('details').hidden = false;
    document.getElementById('node-title').textContent = n.id;
    document.getElementById('node-kind').textContent =
      `${n.kind}${n.app ? `, app ${n.app}` : ''} — seen ${n.first_seen} … ${n.last_seen}`;
    list(
      'services',
      n.services.map(
        (s) =>
          [`${s.proto}/${s.port}`, s.service, s.product, s.version, s.info].filter(Boolean).join(' ') +
          (s.cpe ? ` (${s.cpe.join(', ')})` : ''),
      ),
    );
    list('fingerprints', [
      ...n.ja4t.map((v) => `JA4T ${v}`),
      ...n.ja4ts.map((v) => `JA4TS ${v.port}: ${v.ja4ts}`),
    ]);
    list('names', [...n.dns_names.map((v) => `DNS ${v}`), ...n.tls_names.map((v) => `TLS ${v}`)]);
    list('ips', n.ips);
    list(
      'labels',
      Object.entries(n.labels || {}).map(([k, v]) => `${k}=${v}`),
    );
  }

  cy.on('tap', 'node', (event) => {
    const n = event.target.data('node');
    if (n) show(n);
  });
  select.addEventListener('change', () => {
    state.namespace = select.value;
    document.body.dataset.state = 'loading';
    cy.elements().remove();
    state.renders = 0;
    void load();
  });

  const events = new EventSource(withToken('v1/events'));
  events.addEventListener('graph', () => void load());
  events.addEventListener('hello', () => {
    if (state.renders > 0) void load(); // a reconnect: changes may have been missed
  });
  void load();

  window.glia = { cy, state, load };
})();
