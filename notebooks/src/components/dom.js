// Building DOM without a template: Framework's `html` would resolve to npm: (see notebooks/README.md), so the pages'
// components make their elements with this one helper.

/** An element with attributes (class, data-*, …) and children (strings or nodes). */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attributes)) if (v !== undefined && v !== null) node.setAttribute(k, v);
  node.append(...children.filter((c) => c !== undefined && c !== null));
  return node;
}
