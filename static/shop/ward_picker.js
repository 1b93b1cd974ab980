/* The ward picker: progressive enhancement of an address form's ward <select>
   (shop/address/forms.py). Without this script the select lists the chosen province's wards and a
   button re-lists them after a change of province. With it:
   - a search box filters the select as one types, with or without Vietnamese accents
     ("dong van" finds "Xã Đồng Văn"), and a polite live region says how many match;
   - changing the province fetches that province's wards (a small public JSON list) and tells
     the server which province the list now belongs to (the hidden "wards_of" field). */
(function () {
    "use strict";

    function fold(text) {
        return text.replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFD")
            .replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/\s+/g, " ").trim();
    }

    function enhance(select) {
        var form = select.form;
        var province = select.getAttribute("data-province-field") ?
            document.getElementById(select.getAttribute("data-province-field")) : null;
        var wardsOf = form ? form.querySelector("input[name$='wards_of']") : null;
        var placeholder = select.options.length && select.options[0].value === "" ?
            select.options[0].cloneNode(true) : null;
        var units = [];
        Array.prototype.forEach.call(select.options, function (option) {
            if (option.value !== "") {
                units.push({code: option.value, name: option.text, search: fold(option.text)});
            }
        });

        var search = document.createElement("input");
        search.type = "search";
        search.id = select.id + "_search";
        search.className = "form-control mb-2";
        search.autocomplete = "off";
        search.setAttribute("aria-controls", select.id);
        search.setAttribute("aria-describedby", select.id + "_search_hint " + select.id + "_search_status");
        var label = document.createElement("label");
        label.htmlFor = search.id;
        label.className = "d-block mb-0";
        label.textContent = select.getAttribute("data-search-label");
        var hint = document.createElement("small");
        hint.id = select.id + "_search_hint";
        hint.className = "form-text text-muted mt-0 mb-1";
        hint.textContent = select.getAttribute("data-search-hint");
        var status = document.createElement("p");
        status.id = select.id + "_search_status";
        status.className = "sr-only";
        status.setAttribute("aria-live", "polite");
        select.parentNode.insertBefore(label, select);
        select.parentNode.insertBefore(hint, select);
        select.parentNode.insertBefore(search, select);
        select.parentNode.insertBefore(status, select.nextSibling);

        function render() {
            var wanted = fold(search.value);
            var current = select.value;
            var shown = units.filter(function (unit) {
                return !wanted || unit.search.indexOf(wanted) !== -1;
            });
            select.innerHTML = "";
            if (placeholder) { select.appendChild(placeholder.cloneNode(true)); }
            shown.forEach(function (unit) {
                var option = document.createElement("option");
                option.value = unit.code;
                option.text = unit.name;
                select.appendChild(option);
            });
            select.value = current;
            if (select.value !== current || (wanted && shown.length === 1)) {
                select.value = wanted && shown.length === 1 ? shown[0].code : "";
            }
            if (wanted) {
                status.textContent = select.getAttribute("data-count-text")
                    .replace("%(count)s", String(shown.length));
            } else {
                status.textContent = "";
            }
        }

        search.addEventListener("input", render);
        search.addEventListener("keydown", function (event) {
            if (event.key === "Enter") {  // choose, rather than submit the form half filled
                event.preventDefault();
                select.focus();
            }
        });

        if (province && select.getAttribute("data-wards-url")) {
            var load = function () {
                var code = province.value;
                search.value = "";
                units = [];  // never a ward of the province left behind
                render();
                if (!code) { return; }
                status.textContent = select.getAttribute("data-loading-text");
                var url = select.getAttribute("data-wards-url").replace("{province}", encodeURIComponent(code));
                fetch(url, {headers: {"Accept": "application/json"}})
                    .then(function (response) {
                        if (!response.ok) { throw new Error(String(response.status)); }
                        return response.json();
                    })
                    .then(function (data) {
                        if (province.value !== code) { return; }  // changed again meanwhile
                        units = data.wards;
                        if (wardsOf) { wardsOf.value = code; }
                        if (placeholder) { placeholder.text = select.getAttribute("data-choose-text"); }
                        status.textContent = "";
                        render();
                    })
                    .catch(function () {
                        /* The list stays empty: on submit the server lists the province's wards
                           (the hidden "wards_of" still names the previous province). */
                        status.textContent = "";
                        select.required = false;  // let the form go to the server, which re-lists
                    });
            };
            province.addEventListener("change", load);
            // A province chosen before this script ran (a fast hand, the browser restoring the
            // form on "back"): the list shown is not that province's yet.
            if (province.value && (!wardsOf || wardsOf.value !== province.value)) { load(); }
        }
    }

    Array.prototype.forEach.call(document.querySelectorAll("select[data-ward-picker]"), enhance);
})();
