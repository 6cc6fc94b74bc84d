// The live centre page: new figures arrive as server-sent events and replace the numbers.
"use strict";
(function () {
  const section = document.getElementById("live");
  if (!section || !window.EventSource) { return; }
  const pct = (v) => (v === null || v === undefined) ? "—" : (100 * v).toFixed(1) + "%";
  const share = (s) => {
    if (s.estimate === null) { return "—"; }
    let text = pct(s.estimate) + " (" + pct(s.ci_low) + "–" + pct(s.ci_high) + ", n = " + s.n + ")";
    if (s.flag === "small_n") { text += " dưới 30 lượt · under 30 ratings"; }
    return text;
  };
  const source = new EventSource(section.dataset.source);
  source.addEventListener("figures", (event) => {
    const figures = JSON.parse(event.data);
    for (const block of section.querySelectorAll(".window")) {
      const f = figures[block.dataset.window];
      block.querySelector('[data-field="n"]').textContent = String(f.n);
      block.querySelector('[data-field="satisfied"]').textContent = share(f.satisfied);
      block.querySelector('[data-field="dissatisfied"]').textContent = share(f.dissatisfied);
      block.querySelector('[data-field="throttled"]').textContent = String(f.throttled);
      block.querySelector('[data-field="coverage"]').textContent = f.coverage === null
        ? "— (chưa có số hồ sơ hoàn thành · dossiers completed unknown)"
        : pct(f.coverage) + " (" + f.n + " / " + f.completed + ")";
      for (const cell of block.querySelectorAll("[data-level]")) {
        cell.textContent = String(f.distribution[cell.dataset.level]);
      }
    }
    for (const cell of section.querySelectorAll("[data-criterion]")) {
      cell.textContent = share(figures.day.criteria[cell.dataset.criterion]);
    }
  });
})();
