/* govindex dashboard: selectors that navigate, charts from the embedded Vega-Lite specs.
   No network access beyond this site: the chart libraries and maps are served locally. */
(function () {
  "use strict";

  // A selector's options are links: choosing one opens it (the URL carries the whole state).
  document.querySelectorAll("select[data-navigate]").forEach(function (select) {
    select.addEventListener("change", function () {
      if (select.value) {
        window.location.href = select.value;
      }
    });
  });

  // The static site, opened from file://, cannot fetch the map files: pages there load them
  // as scripts that fill window.GOVINDEX_MAPS, and the specs get the outlines inline.
  var maps = window.GOVINDEX_MAPS || {};
  function inlineMaps(node) {
    if (Array.isArray(node)) {
      node.forEach(inlineMaps);
    } else if (node && typeof node === "object") {
      if (typeof node.url === "string") {
        var name = node.url.split("/").pop();
        if (Object.prototype.hasOwnProperty.call(maps, name)) {
          node.values = maps[name];
          delete node.url;
        }
      }
      Object.keys(node).forEach(function (key) {
        if (key !== "values") {
          inlineMaps(node[key]);
        }
      });
    }
  }

  if (typeof window.vegaEmbed === "function") {
    document.querySelectorAll("script[data-chart]").forEach(function (holder) {
      var target = document.getElementById(holder.getAttribute("data-target"));
      var spec;
      try {
        spec = JSON.parse(holder.textContent);
      } catch (error) {
        target.textContent = target.getAttribute("data-error");
        return;
      }
      inlineMaps(spec);
      // ast: Vega interprets its expressions instead of compiling them with Function(),
      // so the pages run under a Content-Security-Policy without 'unsafe-eval'.
      window.vegaEmbed(target, spec, { actions: false, renderer: "svg", ast: true }).catch(function (error) {
        target.textContent = target.getAttribute("data-error") + " (" + error.message + ")";
      });
    });
  }

  // The permalink is relative; show the full address it stands for.
  document.querySelectorAll("a[data-permalink]").forEach(function (link) {
    link.title = link.href;
  });
})();
