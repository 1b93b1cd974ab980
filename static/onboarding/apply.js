/* Progressive enhancement: show only the communes of the chosen province. Without it the
   list keeps every commune, grouped by province, and the server checks the pair. */
(function () {
    var province = document.getElementById("id_province_code");
    var commune = document.getElementById("id_ward_code");
    if (!province || !commune) { return; }
    var groups = {};
    Array.prototype.forEach.call(commune.querySelectorAll("optgroup"), function (group) {
        groups[group.label] = group.cloneNode(true);
    });
    if (!Object.keys(groups).length) { return; }
    var placeholder = commune.options[0] ? commune.options[0].cloneNode(true) : null;
    function filter() {
        var chosen = province.options[province.selectedIndex];
        var current = commune.value;
        commune.innerHTML = "";
        if (placeholder) { commune.appendChild(placeholder.cloneNode(true)); }
        var group = chosen && chosen.value ? groups[chosen.text] : null;
        var source = group ? [group] : Object.keys(groups).map(function (k) { return groups[k]; });
        source.forEach(function (g) {
            var copy = g.cloneNode(true);
            if (group) {
                while (copy.firstChild) { commune.appendChild(copy.firstChild); }
            } else {
                commune.appendChild(copy);
            }
        });
        commune.value = current;
        if (commune.value !== current) { commune.selectedIndex = 0; }
    }
    province.addEventListener("change", filter);
    filter();
})();
