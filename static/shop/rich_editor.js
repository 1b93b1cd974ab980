/* A small editor for producers' descriptions: bold, italic, bulleted and numbered lists, links.
 *
 * It turns each <textarea data-rich-editor> into a toolbar over an editable area and writes
 * the area's content back into the textarea as HTML of the floor's allow-list only (p, br,
 * strong, em, ul, ol, li, a href=http/https/mailto), the same list the server applies again
 * (shop/richtext.py). Without JavaScript the plain textarea stays. Button labels come from the
 * textarea's data-label-* attributes, so they are translated by the page.
 */
(function () {
    "use strict";

    var BLOCKS = { P: "p", DIV: "p", UL: "ul", OL: "ol", LI: "li" };
    var INLINE = { STRONG: "strong", B: "strong", EM: "em", I: "em", A: "a" };
    var SCHEMES = /^(https?:|mailto:)/i;

    function safeHref(value) {
        var href = (value || "").replace(/[\u0000-\u0020]/g, "");
        return SCHEMES.test(href) ? href : null;
    }

    var DROPPED = /^(SCRIPT|STYLE|IFRAME|OBJECT|EMBED|TEMPLATE|SVG|MATH|NOSCRIPT)$/;

    function isBlock(node) {
        return node.nodeType === Node.ELEMENT_NODE && /^(P|DIV|UL|OL)$/.test(node.nodeName.toUpperCase());
    }

    /* Copy `source`'s children into `target` (a node of `doc`), keeping only the allow-list. */
    function copyAllowed(source, target, doc) {
        Array.prototype.forEach.call(source.childNodes, function (node) {
            copyNode(node, target, doc);
        });
    }

    function copyNode(node, target, doc) {
        if (node.nodeType === Node.TEXT_NODE) {
            target.appendChild(doc.createTextNode(node.nodeValue));
            return;
        }
        if (node.nodeType !== Node.ELEMENT_NODE) {
            return;
        }
        var name = node.nodeName.toUpperCase();
        if (DROPPED.test(name)) {
            return;
        }
        if (name === "BR") {
            target.appendChild(doc.createElement("br"));
            return;
        }
        var tag = BLOCKS[name] || INLINE[name];
        if (!tag) {
            copyAllowed(node, target, doc);
            return;
        }
        if (tag === "p") {
            copyParagraph(node, target, doc);
            return;
        }
        var element = doc.createElement(tag);
        if (tag === "a") {
            var href = safeHref(node.getAttribute("href"));
            if (!href) {
                copyAllowed(node, target, doc);
                return;
            }
            element.setAttribute("href", href);
            element.setAttribute("rel", "nofollow noopener");
        }
        copyAllowed(node, element, doc);
        target.appendChild(element);
    }

    /* A paragraph never holds a list or another paragraph (the browser's editing can nest
     * them): its runs of text become paragraphs of their own, beside the lists. */
    function copyParagraph(node, target, doc) {
        var current = null;
        Array.prototype.forEach.call(node.childNodes, function (child) {
            if (isBlock(child)) {
                current = null;
                copyNode(child, target, doc);
                return;
            }
            if (!current) {
                current = doc.createElement("p");
                target.appendChild(current);
            }
            copyNode(child, current, doc);
        });
        if (!node.childNodes.length) {
            target.appendChild(doc.createElement("p"));
        }
    }

    /* Stored text as nodes: HTML is parsed inert (nothing in it loads or runs), plain text
     * becomes paragraphs. */
    function load(text, editor) {
        var parsed = new DOMParser().parseFromString("", "text/html");
        if (text.indexOf("<") === -1) {
            text.split(/\n\s*\n/).forEach(function (block) {
                if (!block.trim()) {
                    return;
                }
                var p = parsed.createElement("p");
                block.split("\n").forEach(function (line, index) {
                    if (index) {
                        p.appendChild(parsed.createElement("br"));
                    }
                    p.appendChild(parsed.createTextNode(line));
                });
                parsed.body.appendChild(p);
            });
        } else {
            parsed = new DOMParser().parseFromString(text, "text/html");
        }
        editor.textContent = "";
        copyAllowed(parsed.body, editor, document);
    }

    function serialise(editor) {
        var holder = document.implementation.createHTMLDocument("");
        var root = holder.createElement("div");
        copyAllowed(editor, root, holder);
        return root.innerHTML;
    }

    function button(label, command, onPress) {
        var element = document.createElement("button");
        element.type = "button";
        element.className = "btn btn-outline-secondary btn-sm rich-editor-" + command;
        element.textContent = label;
        element.setAttribute("aria-label", label);
        element.addEventListener("mousedown", function (event) {
            event.preventDefault(); /* keep the selection in the editable area */
        });
        element.addEventListener("click", onPress);
        return element;
    }

    function enhance(textarea) {
        var wrapper = document.createElement("div");
        wrapper.className = "rich-editor";
        var toolbar = document.createElement("div");
        toolbar.className = "btn-group mb-1 rich-editor-toolbar";
        toolbar.setAttribute("role", "toolbar");
        toolbar.setAttribute("aria-label", textarea.dataset.labelToolbar || "");
        var editor = document.createElement("div");
        editor.className = "form-control rich-editor-area";
        editor.contentEditable = "true";
        editor.style.height = "auto";
        editor.style.minHeight = "10rem";
        editor.setAttribute("role", "textbox");
        editor.setAttribute("aria-multiline", "true");
        if (textarea.id) {
            var label = document.querySelector('label[for="' + textarea.id + '"]');
            if (label) {
                label.id = label.id || textarea.id + "-label";
                editor.setAttribute("aria-labelledby", label.id);
            }
        }
        load(textarea.value, editor);

        function sync() {
            textarea.value = serialise(editor);
        }
        function run(command, value) {
            editor.focus();
            document.execCommand(command, false, value);
            sync();
        }
        [
            ["bold", textarea.dataset.labelBold],
            ["italic", textarea.dataset.labelItalic],
            ["insertUnorderedList", textarea.dataset.labelBullets],
            ["insertOrderedList", textarea.dataset.labelNumbers],
        ].forEach(function (pair) {
            toolbar.appendChild(button(pair[1] || pair[0], pair[0], function () {
                run(pair[0]);
            }));
        });
        toolbar.appendChild(button(textarea.dataset.labelLink || "link", "createLink", function () {
            var href = safeHref(window.prompt(textarea.dataset.labelLinkPrompt || "URL", "https://"));
            if (href) {
                run("createLink", href);
            }
        }));

        editor.addEventListener("input", sync);
        editor.addEventListener("paste", function (event) {
            /* Pasted text arrives as text: no foreign markup or styles. */
            event.preventDefault();
            var text = (event.clipboardData || window.clipboardData).getData("text/plain");
            document.execCommand("insertText", false, text);
            sync();
        });
        if (textarea.form) {
            textarea.form.addEventListener("submit", sync);
        }
        document.execCommand("defaultParagraphSeparator", false, "p");
        textarea.hidden = true;
        wrapper.appendChild(toolbar);
        wrapper.appendChild(editor);
        textarea.parentNode.insertBefore(wrapper, textarea);
    }

    function start() {
        Array.prototype.forEach.call(document.querySelectorAll("textarea[data-rich-editor]"), enhance);
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", start);
    } else {
        start();
    }
})();
