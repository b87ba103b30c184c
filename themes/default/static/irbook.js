/* irbook questionnaire: the thin glue between the page and the Rust engine
   (compiled to WebAssembly). All rule logic lives in the engine; this script
   only asks questions, stores answers in localStorage and draws the plan the
   engine returns. Nothing is sent anywhere.

   Every element with class `app` and a `data-assessment` is one
   questionnaire; its data comes from IRBOOK_ASSESSMENTS["<lang>/<id>"],
   registered by the data script. A page may hold several (the single-file
   handbook holds all of them): each starts when it first becomes visible,
   prefixes the ids it makes with its `data-id-prefix`, and rereads the saved
   answers when it is shown again. */
(function () {
  'use strict';

  var STORAGE_VERSION = 1;

  function base64ToBytes(b64) {
    var bin = window.atob(b64);
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { bytes[i] = bin.charCodeAt(i); }
    return bytes;
  }

  // One engine module for every questionnaire on the page, instantiated once.
  var engineReady = null;
  function loadEngine() {
    // The glue declares `wasm_bindgen` with `let`: a global binding shared by
    // classic scripts, but not a property of window.
    var bindgen = typeof wasm_bindgen === 'function' ? wasm_bindgen : null; // eslint-disable-line no-undef
    if (!bindgen || typeof window.IRBOOK_ENGINE_WASM !== 'string') { return null; }
    if (!engineReady) {
      engineReady = bindgen({ module_or_path: base64ToBytes(window.IRBOOK_ENGINE_WASM) }).then(function () { return bindgen; });
    }
    return engineReady;
  }

  function mount(app) {
    var entry = (window.IRBOOK_ASSESSMENTS || {})[app.getAttribute('data-lang') + '/' + app.getAttribute('data-assessment')] || {};
    var UI = entry.ui || {};
    var DEF = entry.def;
    var lang = app.getAttribute('data-lang') || 'en';
    var storageKey = 'irbook:' + app.getAttribute('data-handbook') + ':' + app.getAttribute('data-assessment');
    var prefix = app.getAttribute('data-id-prefix') || '';

    // Ids this questionnaire makes, unique in the document.
    function pid(id) { return prefix + id; }

    // Links from the plan data are relative to the questionnaire's page; the
    // single-file handbook maps them to its own sections.
    function link(url) { return typeof window.IRBOOK_LINK === 'function' ? window.IRBOOK_LINK(url, app) : url; }

    function t(key, vars) {
      var s = UI[key] || key;
      if (vars) {
        Object.keys(vars).forEach(function (k) { s = s.split('{' + k + '}').join(String(vars[k])); });
      }
      return s;
    }

    // ---------- small DOM helpers (no innerHTML with content, so nothing can inject markup) ----------
    function el(tag, attrs, children) {
      var e = document.createElement(tag);
      if (attrs) {
        Object.keys(attrs).forEach(function (k) {
          var v = attrs[k];
          if (v === null || v === undefined || v === false) { return; }
          if (k === 'text') { e.textContent = v; } else if (k === 'class') { e.className = v; } else if (k.slice(0, 2) === 'on') { e.addEventListener(k.slice(2), v); } else if (v === true) { e.setAttribute(k, ''); } else { e.setAttribute(k, v); }
        });
      }
      (children || []).forEach(function (c) { if (c !== null && c !== undefined) { e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); } });
      return e;
    }
    function clear(e) { while (e.firstChild) { e.removeChild(e.firstChild); } }

    function fail(message) {
      clear(app);
      app.appendChild(el('p', { class: 'notice', role: 'alert', text: t('js_engine_error') + ' ' + message }));
    }

    // ---------- state and storage ----------
    var state = { answers: {}, discovered: null, ticks: {}, mode: 'single', index: 0, preset: null };
    var notice = null;

    function load() {
      var raw;
      try { raw = window.localStorage.getItem(storageKey); } catch (e) { return; }
      if (raw === null) { return; }
      var data;
      try { data = JSON.parse(raw); } catch (e) { data = null; }
      var valid = data && typeof data === 'object' && data.version === STORAGE_VERSION && data.answers && typeof data.answers === 'object' && !Array.isArray(data.answers);
      if (!valid) {
        notice = t('js_storage_corrupt');
        try { window.localStorage.removeItem(storageKey); } catch (e) { /* storage unavailable */ }
        return;
      }
      if (data.hash !== DEF.hash) {
        notice = t('js_storage_old');
        try { window.localStorage.removeItem(storageKey); } catch (e) { /* storage unavailable */ }
        return;
      }
      state.answers = data.answers;
      state.discovered = typeof data.discovered === 'number' ? data.discovered : null;
      state.ticks = data.ticks && typeof data.ticks === 'object' ? data.ticks : {};
      state.mode = data.mode === 'all' ? 'all' : 'single';
      state.index = typeof data.index === 'number' ? data.index : 0;
      state.preset = typeof data.preset === 'string' ? data.preset : null;
    }

    function save() {
      var data = { version: STORAGE_VERSION, hash: DEF.hash, answers: state.answers, discovered: state.discovered, ticks: state.ticks, mode: state.mode, index: state.index, preset: state.preset };
      try { window.localStorage.setItem(storageKey, JSON.stringify(data)); } catch (e) { /* private mode or full: the page still works */ }
    }

    // ---------- engine ----------
    var engine = null;

    function computePlan() {
      var now = Date.now();
      var discovered = state.discovered === null ? now : state.discovered;
      // The engine formats times with this offset; the page shows local times itself.
      var offset = -new Date(discovered).getTimezoneOffset();
      var out = engine.plan(JSON.stringify(state.answers), discovered, now, offset);
      return JSON.parse(out);
    }

    // ---------- formatting ----------
    function fmtTime(ms) {
      try {
        // English readers here are in the Netherlands or Belgium: day-month order and a 24-hour clock.
        return new Date(ms).toLocaleString(lang === 'en' ? 'en-GB' : lang, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
      } catch (e) { return new Date(ms).toString(); }
    }

    function fmtDuration(ms) {
      var mins = Math.floor(Math.abs(ms) / 60000);
      var d = Math.floor(mins / 1440);
      var h = Math.floor((mins % 1440) / 60);
      var m = mins % 60;
      var parts = [];
      if (d > 0) { parts.push(d + ' ' + t('js_d')); }
      if (d > 0 || h > 0) { parts.push(h + ' ' + t('js_h')); }
      parts.push(m + ' ' + t('js_min'));
      return parts.join(' ');
    }

    function countdownText(dueMs, now) {
      var diff = dueMs - now;
      return diff >= 0 ? t('js_in') + ' ' + fmtDuration(diff) : t('js_overdue') + ' ' + fmtDuration(diff);
    }

    function toLocalInput(ms) {
      var d = new Date(ms);
      function p(n) { return (n < 10 ? '0' : '') + n; }
      return d.getFullYear() + '-' + p(d.getMonth() + 1) + '-' + p(d.getDate()) + 'T' + p(d.getHours()) + ':' + p(d.getMinutes());
    }

    // ---------- questions ----------
    function questionById(id) {
      for (var i = 0; i < DEF.questions.length; i++) { if (DEF.questions[i].id === id) { return DEF.questions[i]; } }
      return null;
    }

    function setAnswer(id, value, later, advance) {
      if (value === undefined || value === null || value === '') { delete state.answers[id]; } else { state.answers[id] = value; }
      save();
      if (advance && state.mode === 'single') {
        // One click answers the question: go on to the next one still open.
        update();
        nextOpen(id);
        update();
        focusQuestion();
        return;
      }
      if (later) { updateLater(); } else { update(); }
    }

    // A click answers a one-choice question and moves on; the keyboard never
    // does (arrow keys walk through the choices, and each step is a change).
    var lastPointer = 0;
    document.addEventListener('pointerdown', function () { lastPointer = Date.now(); }, true);
    function pointerRecently() { return Date.now() - lastPointer < 1500; }

    // The next question after `id` that is shown and not answered yet (or
    // simply the next one when all are answered).
    function nextOpen(id) {
      var visible = lastPlan ? lastPlan.visible_questions : [];
      var from = visible.indexOf(id);
      for (var i = from + 1; i < visible.length; i++) {
        if (state.answers[visible[i]] === undefined) { state.index = i; save(); return; }
      }
      for (var j = 0; j < visible.length; j++) {
        if (state.answers[visible[j]] === undefined) { state.index = j; save(); return; }
      }
      if (from >= 0 && from + 1 < visible.length) { state.index = from + 1; save(); }
    }

    // A text field's change event fires as focus leaves it (Tab), before focus
    // reaches the next field. Redrawing then would remove that field and drop
    // focus to <body>; redrawing once focus has landed keeps it in place.
    function updateLater() { window.setTimeout(update, 0); }

    function renderQuestion(q, plan) {
      var name = pid('q-' + q.id);
      var current = state.answers[q.id];
      var box = el('div', { class: 'question', id: pid('question-' + q.id) });
      if (q.scenario) { box.appendChild(el('p', { class: 'scenario', text: q.scenario })); }
      var fs = el('fieldset', null, [el('legend', { text: q.text })]);
      var helpId = null;
      if (q.help) { helpId = name + '-help'; fs.appendChild(el('p', { class: 'help', id: helpId, text: q.help })); }
      var type = q.qtype || q.type;
      function radio(value, label, checked) {
        var id = name + '-' + value;
        var input = el('input', { type: 'radio', name: name, id: id, value: value, checked: checked, 'aria-describedby': helpId, onchange: function () { setAnswer(q.id, value, false, pointerRecently()); } });
        return el('div', { class: 'choice' }, [input, el('label', { for: id, text: label })]);
      }
      var allowUnknown = q.allow_unknown !== false;
      if (type === 'yes_no_unknown' || type === 'yes_no') {
        fs.appendChild(radio('yes', t('js_yes'), current === 'yes' || current === true));
        fs.appendChild(radio('no', t('js_no'), current === 'no' || current === false));
        if (type === 'yes_no_unknown' || allowUnknown) { fs.appendChild(radio('unknown', t('js_dont_know'), current === 'unknown')); }
      } else if (type === 'single') {
        q.options.forEach(function (o) { fs.appendChild(radio(o.value, o.label, current === o.value)); });
        if (allowUnknown) { fs.appendChild(radio('unknown', t('js_dont_know'), current === 'unknown')); }
      } else if (type === 'multi') {
        var chosen = Array.isArray(current) ? current : [];
        q.options.forEach(function (o) {
          var id = name + '-' + o.value;
          var input = el('input', {
            type: 'checkbox', id: id, value: o.value, checked: chosen.indexOf(o.value) >= 0, 'aria-describedby': helpId,
            onchange: function () {
              var now = Array.isArray(state.answers[q.id]) ? state.answers[q.id].slice() : [];
              var i = now.indexOf(o.value);
              if (this.checked && i < 0) { now.push(o.value); }
              if (!this.checked && i >= 0) { now.splice(i, 1); }
              setAnswer(q.id, now.length ? now : null);
            }
          });
          fs.appendChild(el('div', { class: 'choice' }, [input, el('label', { for: id, text: o.label })]));
        });
        if (allowUnknown) {
          fs.appendChild(radio('unknown', t('js_dont_know'), current === 'unknown'));
        }
      } else if (type === 'number') {
        var nid = name + '-input';
        var input = el('input', { type: 'number', id: nid, inputmode: 'numeric', min: q.min, max: q.max, value: typeof current === 'number' ? String(current) : '', 'aria-describedby': helpId, placeholder: t('js_number_placeholder') });
        input.addEventListener('change', function () { setAnswer(q.id, this.value === '' ? null : Number(this.value), true, this.value !== ''); });
        fs.appendChild(el('div', { class: 'choice' }, [el('label', { for: nid, class: 'visually-hidden', text: q.text }), input, q.unit ? el('span', { text: q.unit }) : null]));
        if (allowUnknown) { fs.appendChild(radio('unknown', t('js_dont_know'), current === 'unknown')); }
      } else if (type === 'datetime') {
        var did = name + '-input';
        var dinput = el('input', { type: 'datetime-local', id: did, value: typeof current === 'string' ? current.slice(0, 16) : '', 'aria-describedby': helpId });
        dinput.addEventListener('change', function () { setAnswer(q.id, this.value ? new Date(this.value).toISOString() : null, true); });
        fs.appendChild(el('div', { class: 'choice' }, [el('label', { for: did, class: 'visually-hidden', text: q.text }), dinput]));
      } else {
        var tid = name + '-input';
        var ta = el('textarea', { id: tid, rows: '3', 'aria-describedby': helpId });
        ta.value = typeof current === 'string' ? current : '';
        ta.addEventListener('change', function () { setAnswer(q.id, this.value || null, true); });
        fs.appendChild(el('div', { class: 'choice' }, [el('label', { for: tid, class: 'visually-hidden', text: q.text }), ta]));
      }
      box.appendChild(fs);
      if (plan && plan.feedback) {
        plan.feedback.forEach(function (f) {
          if (f.question === q.id) {
            box.appendChild(el('div', { class: 'feedback ' + (f.correct ? 'correct' : 'incorrect'), role: 'status' }, [
              // The feedback of the content says right or wrong itself; the word is only added without it.
              f.feedback ? f.feedback : el('strong', { text: f.correct ? t('js_correct') : t('js_incorrect') })
            ]));
          }
        });
      }
      return box;
    }

    // ---------- the page ----------
    var questionsPane, planPane, liveRegion;
    var lastPlan = null;

    var topPane, summaryPane;

    function build() {
      clear(app);
      if (notice) { app.appendChild(el('p', { class: 'notice', role: 'alert', id: pid('storage-notice'), text: notice })); }
      var toolbar = el('div', { class: 'toolbar' }, [
        el('button', { type: 'button', class: 'button', id: pid('mode-toggle'), onclick: function () { state.mode = state.mode === 'single' ? 'all' : 'single'; save(); update(); } }),
        el('button', { type: 'button', class: 'button', id: pid('reset'), text: t('js_reset'), onclick: function () { if (window.confirm(t('js_reset_confirm'))) { reset(); } } })
      ]);
      // A triage starts with the moment of discovery and the kind of
      // incident; the verdicts with their times come right under them.
      topPane = el('div', { class: 'app-top', id: pid('start') });
      summaryPane = el('section', { class: 'summary', id: pid('summary'), 'aria-labelledby': pid('summary-title') });
      questionsPane = el('section', { class: 'questions', 'aria-label': DEF.title });
      planPane = el('section', { class: 'plan', id: pid('plan'), 'aria-labelledby': pid('plan-title') });
      liveRegion = el('p', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
      if (DEF.kind === 'triage') {
        app.appendChild(topPane);
        app.appendChild(summaryPane);
      }
      app.appendChild(el('div', { class: 'app-grid' }, [el('div', { class: 'app-questions' }, [questionsPane, toolbar]), planPane]));
      app.appendChild(liveRegion);
    }

    function setDiscovered(ms) {
      state.discovered = ms;
      save();
      update();
      var next = topPane.querySelector('button, input');
      if (next) { next.focus(); }
    }

    // The moment of discovery, asked first and never assumed; then, while
    // nothing is answered yet, the common incidents to start from.
    function renderTop() {
      clear(topPane);
      if (state.discovered === null) {
        var input = el('input', { type: 'datetime-local', id: pid('discovered'), 'aria-describedby': pid('discovered-help') });
        var use = function () {
          var v = new Date(input.value).getTime();
          if (!isNaN(v)) { setDiscovered(Math.min(v, Date.now())); }
        };
        input.addEventListener('change', use);
        topPane.appendChild(el('fieldset', { class: 'question discovered' }, [
          el('legend', { text: t('js_discovered') }),
          el('p', { class: 'help', id: pid('discovered-help'), text: t('js_discovered_help') }),
          el('div', { class: 'toolbar' }, [
            el('button', { type: 'button', class: 'button button-primary', id: pid('discovered-now'), text: t('js_just_now'), onclick: function () { setDiscovered(Date.now()); } }),
            el('label', { for: pid('discovered'), text: t('js_earlier') }), input,
            el('button', { type: 'button', class: 'button', id: pid('discovered-use'), text: t('js_use_time'), onclick: use })
          ])
        ]));
        return;
      }
      var line = el('p', { class: 'discovered-line' }, [
        el('span', { class: 'step-label', text: t('js_discovered_at') }),
        el('time', { id: pid('discovered-time'), datetime: new Date(state.discovered).toISOString(), text: fmtShort(state.discovered) }), ' ',
        el('button', { type: 'button', class: 'link-button', id: pid('discovered-change'), text: t('js_change'), onclick: function () { state.discovered = null; save(); update(); var f = document.getElementById(pid('discovered-now')); if (f) { f.focus(); } } })
      ]);
      var presets = DEF.presets || [];
      var used = null;
      presets.forEach(function (p) { if (p.id === state.preset) { used = p; } });
      if (used) { line.appendChild(el('span', { class: 'preset-used', text: ' · ' + t('js_preset_used') + ': ' + used.label })); }
      topPane.appendChild(line);
      if (!presets.length || Object.keys(state.answers).length || state.preset) { return; }
      var box = el('fieldset', { class: 'question presets', id: pid('presets') }, [
        el('legend', { text: t('js_preset_title') }),
        el('p', { class: 'help', text: t('js_preset_help') })
      ]);
      var list = el('div', { class: 'preset-list' });
      presets.forEach(function (p) {
        list.appendChild(el('button', { type: 'button', class: 'button preset', id: pid('preset-' + p.id), text: p.label, onclick: function () { applyPreset(p); } }));
      });
      list.appendChild(el('button', { type: 'button', class: 'button preset', id: pid('preset-none'), text: t('js_preset_none'), onclick: function () { state.preset = ''; save(); update(); focusQuestion(); } }));
      box.appendChild(list);
      topPane.appendChild(box);
    }

    // The preset's answers are content; the page only copies them in.
    function applyPreset(p) {
      p.answers.forEach(function (a) { state.answers[a.question] = a.value; });
      state.preset = p.id;
      state.index = 0;
      save();
      update();
      var first = lastPlan.visible_questions.filter(function (id) { return state.answers[id] === undefined; })[0];
      if (first) { state.index = lastPlan.visible_questions.indexOf(first); save(); update(); }
      focusQuestion();
    }

    function reset() {
      try { window.localStorage.removeItem(storageKey); } catch (e) { /* storage unavailable */ }
      state = { answers: {}, discovered: null, ticks: {}, mode: state.mode, index: 0, preset: null };
      notice = null;
      save();
      build();
      update();
    }

    function update() {
      var plan;
      try { plan = computePlan(); } catch (e) { fail(String(e && e.message ? e.message : e)); return; }
      lastPlan = plan;
      var toggle = document.getElementById(pid('mode-toggle'));
      if (toggle) { toggle.textContent = state.mode === 'single' ? t('js_show_all') : t('js_one_at_a_time'); }
      var focusId = document.activeElement && document.activeElement.id;
      if (DEF.kind === 'triage') { renderTop(); renderSummary(plan); }
      renderQuestions(plan);
      renderPlan(plan);
      if (focusId) { var f = document.getElementById(focusId); if (f) { f.focus(); } }
    }

    function renderQuestions(plan) {
      clear(questionsPane);
      var visible = plan.visible_questions.map(questionById).filter(Boolean);
      if (state.mode === 'all') {
        visible.forEach(function (q) { questionsPane.appendChild(renderQuestion(q, plan)); });
        return;
      }
      if (state.index >= visible.length) { state.index = Math.max(0, visible.length - 1); }
      var q = visible[state.index];
      var answered = visible.filter(function (v) { return state.answers[v.id] !== undefined; }).length;
      questionsPane.appendChild(el('p', { class: 'progress-label', id: pid('progress-label'), text: t('js_question_of', { n: state.index + 1, total: visible.length }) }));
      var bar = el('div', { class: 'progress-bar' });
      bar.style.width = (visible.length ? Math.round(100 * answered / visible.length) : 0) + '%';
      questionsPane.appendChild(el('div', { class: 'progress', role: 'progressbar', 'aria-labelledby': pid('progress-label'), 'aria-valuemin': '0', 'aria-valuemax': String(visible.length), 'aria-valuenow': String(answered) }, [bar]));
      if (q) { questionsPane.appendChild(renderQuestion(q, plan)); }
      var nav = el('div', { class: 'toolbar' }, [
        el('button', { type: 'button', class: 'button', id: pid('prev'), text: '← ' + t('js_back'), disabled: state.index === 0, onclick: function () { state.index -= 1; save(); update(); focusQuestion(); } }),
        el('button', { type: 'button', class: 'button button-primary', id: pid('next'), text: t('js_next') + ' →', disabled: state.index >= visible.length - 1, onclick: function () { state.index += 1; save(); update(); focusQuestion(); } })
      ]);
      questionsPane.appendChild(nav);
      if (answered === visible.length && visible.length > 0) { questionsPane.appendChild(el('p', { class: 'muted', text: t('js_all_done') })); }
    }

    function focusQuestion() {
      var first = questionsPane.querySelector('input, textarea');
      if (first) { first.focus(); }
    }

    function contactLine(c, label) {
      if (!c) { return null; }
      var parts = [el('span', { class: 'step-label', text: label }), c.name + (c.title ? ' (' + c.title + ')' : '')];
      if (c.phone) { parts.push(' · '); parts.push(el('a', { href: 'tel:' + c.phone.replace(/[^0-9+]/g, ''), text: c.phone })); }
      if (c.email) { parts.push(' · '); parts.push(el('a', { href: 'mailto:' + c.email, text: c.email })); }
      return el('p', { class: 'contact-line' }, parts);
    }

    function renderPlan(plan) {
      clear(planPane);
      var titles = { triage: 'js_plan_title', readiness: 'js_readiness_title', training: 'js_training_title' };
      planPane.appendChild(el('h2', { id: pid('plan-title'), text: t(titles[plan.kind] || 'js_plan_title') }));
      var exports = el('div', { class: 'toolbar' }, [
        el('button', { type: 'button', class: 'button', id: pid('export-print'), text: t('js_print'), onclick: function () { window.print(); } }),
        el('button', { type: 'button', class: 'button', id: pid('export-md'), text: t('js_export_md'), onclick: function () { download(fileName('md'), 'text/markdown', toMarkdown(lastPlan)); } }),
        el('button', { type: 'button', class: 'button', id: pid('export-json'), text: t('js_export_json'), onclick: function () { download(fileName('json'), 'application/json', JSON.stringify(exportData(lastPlan), null, 2)); } }),
        plan.kind === 'triage' ? el('button', { type: 'button', class: 'button', id: pid('export-ics'), text: t('js_export_ics'), onclick: function () { download(fileName('ics'), 'text/calendar', toIcs(lastPlan)); } }) : null
      ]);
      planPane.appendChild(exports);
      planPane.appendChild(el('p', { class: 'muted', text: t('js_saved') }));
      var now = Date.now();

      if (plan.score) { planPane.appendChild(scoreChart(plan.score)); }

      if (plan.verdicts.length) {
        planPane.appendChild(el('h3', { text: t('js_verdicts') }));
        plan.verdicts.forEach(function (v) {
          var box = el('div', { class: 'verdict decision-' + v.decision, id: pid('verdict-' + v.id), 'data-decision': v.decision });
          box.appendChild(el('h4', null, [v.title + ': ', el('strong', { class: 'decision', text: v.decision === 'yes' ? t('js_decision_yes') : t('js_decision_no') })]));
          if (v.pending) { box.appendChild(el('p', { class: 'pending', text: t('js_pending') })); }
          if (v.explanation) { box.appendChild(el('p', { text: v.explanation })); }
          if (v.decision === 'yes' && v.due_ms !== null && v.due_ms !== undefined && state.discovered !== null) {
            box.appendChild(deadline(v.due_ms, v.due_offset, now));
          }
          if (v.reasons && v.reasons.length) {
            var ul = el('ul', { class: 'reasons' });
            v.reasons.forEach(function (r) { ul.appendChild(el('li', { text: r })); });
            box.appendChild(ul);
          }
          if (v.because && v.because.length) {
            var because = el('ul', { class: 'because' });
            v.because.forEach(function (b) { because.appendChild(el('li', { text: b.text + ' — ' + b.answer })); });
            box.appendChild(el('details', null, [el('summary', { text: t('js_because') }), because]));
          }
          if (v.decision === 'yes' && v.contact && v.contact.form_url) {
            box.appendChild(el('p', null, [el('a', { href: link(v.contact.form_url), rel: 'noopener noreferrer', text: t('js_form') + ': ' + v.contact.name })]));
          }
          planPane.appendChild(box);
        });
      }

      if (plan.actions.length || plan.kind === 'triage') {
        planPane.appendChild(el('h3', { text: plan.kind === 'readiness' ? t('js_improvements') : t('js_actions') }));
        if (!plan.actions.length) { planPane.appendChild(el('p', { class: 'muted', text: t('js_no_actions') })); }
        // By deadline, as the engine ordered them (overdue first); phase and
        // track are labels. Done actions fold away at the end.
        var open = plan.actions.filter(function (a) { return !state.ticks[a.id]; });
        var done = plan.actions.filter(function (a) { return !!state.ticks[a.id]; });
        var list = el('ol', { class: 'actions', id: pid('actions') });
        open.forEach(function (a, i) { list.appendChild(el('li', null, [renderAction(a, now, i < 3)])); });
        planPane.appendChild(list);
        if (done.length) {
          var doneList = el('ol', { class: 'actions done-list' });
          done.forEach(function (a) { doneList.appendChild(el('li', null, [renderAction(a, now, false)])); });
          planPane.appendChild(el('details', { class: 'done-actions', id: pid('done-actions') }, [el('summary', { text: t('js_done_count', { n: done.length }) }), doneList]));
        }
      }

      if (plan.open_questions.length) {
        // Only the triage takes a cautious side for open answers; the others just wait for them.
        planPane.appendChild(el('h3', { text: t(plan.kind === 'triage' ? 'js_open_questions' : 'js_still_to_answer') }));
        planPane.appendChild(el('p', { class: 'muted', text: t(plan.kind === 'triage' ? 'js_open_help' : plan.kind === 'training' ? 'js_training_open_help' : 'js_readiness_open_help') }));
        var ol = el('ul', { class: 'open-questions' });
        plan.open_questions.forEach(function (q) {
          ol.appendChild(el('li', null, [el('a', { href: '#' + pid('question-' + q.id), text: q.text, onclick: function (ev) { ev.preventDefault(); jumpTo(q.id); } }), ' (' + (q.state === 'unknown' ? t('js_unknown_state') : t('js_unanswered')) + ')']));
        });
        planPane.appendChild(ol);
      }

      if (plan.kind === 'triage') {
        planPane.appendChild(el('h3', { text: t('js_answers') }));
        var dl = el('dl', { class: 'answers-list', id: pid('answers') });
        if (state.discovered !== null) { dl.appendChild(el('dt', { text: t('js_discovered') })); dl.appendChild(el('dd', { text: fmtTime(state.discovered) })); }
        plan.visible_questions.forEach(function (id) {
          var q = questionById(id);
          dl.appendChild(el('dt', { text: q ? q.text : id }));
          dl.appendChild(el('dd', { text: answerLabel(q, state.answers[id]) }));
        });
        planPane.appendChild(dl);
        planPane.appendChild(el('p', { class: 'muted decided-at', text: t('js_decided_at') + ' ' + fmtTime(plan.now_ms) }));
      }
    }

    // An answer as the reader chose it: option labels, not codes.
    function answerLabel(q, a) {
      if (a === undefined || a === null) { return t('js_unanswered'); }
      if (a === 'unknown') { return t('js_dont_know'); }
      if (a === 'yes' || a === true) { return t('js_yes'); }
      if (a === 'no' || a === false) { return t('js_no'); }
      var opts = (q && q.options) || [];
      function label(v) { for (var i = 0; i < opts.length; i++) { if (opts[i].value === v) { return opts[i].label; } } return String(v); }
      if (Array.isArray(a)) { return a.map(label).join('; '); }
      if (typeof a === 'number') { return String(a) + (q && q.unit ? ' ' + q.unit : ''); }
      if (q && (q.qtype || q.type) === 'datetime') { var ms = new Date(a).getTime(); return isNaN(ms) ? String(a) : fmtTime(ms); }
      return opts.length ? label(a) : String(a);
    }

    // The duty's time as one text: "now" for as soon as possible, else the
    // clock time; outside the triage, "within 30 days".
    function dueText(ms, offset) {
      return offset === 'asap' ? t('js_now') : withinText(offset) || fmtTime(ms);
    }

    function withinText(offset) {
      var m = DEF.kind !== 'triage' && /^(\d+)([hdw])$/.exec(offset || '');
      if (!m) { return null; }
      var n = Number(m[1]);
      var days = m[2] === 'w' ? n * 7 : m[2] === 'd' ? n : Math.max(1, Math.ceil(n / 24));
      return t(days === 1 ? 'js_within_day' : 'js_within_days', { n: days });
    }

    // Who must be told and by when, and the next actions: the first thing
    // on the page once the moment of discovery is known.
    function renderSummary(plan) {
      clear(summaryPane);
      var now = Date.now();
      var known = state.discovered !== null;
      summaryPane.appendChild(el('h2', { id: pid('summary-title'), text: t('js_who_when') }));
      if (!known) { summaryPane.appendChild(el('p', { class: 'muted', text: t('js_discover_first') })); }
      var yes = plan.verdicts.filter(function (v) { return v.decision === 'yes'; });
      var timed = yes.filter(function (v) { return v.due_ms !== null && v.due_ms !== undefined; });
      var untimed = yes.filter(function (v) { return v.due_ms === null || v.due_ms === undefined; });
      var no = plan.verdicts.filter(function (v) { return v.decision === 'no'; });
      var anyPending = false;
      function mark(v, li) {
        if (v.pending) { anyPending = true; li.appendChild(el('span', { class: 'pending-mark', title: t('js_provisional'), text: '*' })); }
      }
      var ul = el('ul', { class: 'summary-verdicts' });
      timed.forEach(function (v) {
        var li = el('li', { class: 'sv', id: pid('summary-verdict-' + v.id), 'data-decision': v.decision }, [el('span', { class: 'sv-title', text: v.title })]);
        if (known) {
          li.appendChild(document.createTextNode(' '));
          if (v.due_offset === 'asap') {
            li.appendChild(el('strong', { class: 'sv-due asap', text: t('js_now') }));
          } else {
            li.appendChild(el('time', { class: 'sv-due', datetime: new Date(v.due_ms).toISOString(), text: fmtShort(v.due_ms) }));
            li.appendChild(el('span', { class: 'countdown' + (v.due_ms < now ? ' overdue' : ''), 'data-due': String(v.due_ms), text: countdownText(v.due_ms, now) }));
          }
        }
        mark(v, li);
        ul.appendChild(li);
      });
      if (untimed.length) {
        var also = el('li', { class: 'sv-also' });
        untimed.forEach(function (v, i) {
          var span = el('span', { id: pid('summary-verdict-' + v.id), 'data-decision': v.decision, text: (i ? ' · ' : '') + v.title });
          also.appendChild(span);
          mark(v, also);
        });
        ul.appendChild(also);
      }
      var who = el('div', { class: 'summary-who' }, [ul]);
      var body = el('div', { class: 'summary-body' }, [who]);
      summaryPane.appendChild(body);
      if (no.length) {
        who.appendChild(el('p', { class: 'summary-no', id: pid('summary-no') }, [el('span', { class: 'step-label', text: t('js_not_needed') }), no.map(function (v) { return v.title; }).join(' · ')]));
      }
      var next = plan.actions.filter(function (a) { return !state.ticks[a.id]; }).slice(0, 3);
      if (known && next.length) {
        var nextBox = el('div', { class: 'summary-next' }, [el('h3', { text: t('js_next_three') })]);
        body.appendChild(nextBox);
        var ol = el('ol', { class: 'summary-actions' });
        next.forEach(function (a) {
          ol.appendChild(el('li', { id: pid('summary-action-' + a.id) }, [
            a.due_offset === 'asap' ? el('strong', { class: 'sv-due asap', text: t('js_now') }) : el('time', { class: 'sv-due', datetime: new Date(a.due_ms).toISOString(), text: fmtTime(a.due_ms) }),
            ' ', el('a', { href: '#' + pid('action-' + a.id), text: a.title }),
            el('span', { class: 'muted owner' }, [' · ' + a.owner.name, a.owner.phone ? ' · ' : null, a.owner.phone ? el('a', { class: 'phone', href: 'tel:' + a.owner.phone.replace(/[^0-9+]/g, ''), text: a.owner.phone }) : null])
          ]));
        });
        nextBox.appendChild(ol);
      }
      if (anyPending) { summaryPane.appendChild(el('p', { class: 'pending-note' }, [el('span', { class: 'pending-mark', text: '*' }), ' ' + t('js_pending')])); }
    }

    // A deadline in a line that must stay short: day and time, no year.
    function fmtShort(ms) {
      try {
        return new Date(ms).toLocaleString(lang === 'en' ? 'en-GB' : lang, { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
      } catch (e) { return fmtTime(ms); }
    }

    function jumpTo(id) {
      var visible = lastPlan.visible_questions;
      var i = visible.indexOf(id);
      if (state.mode === 'single' && i >= 0) { state.index = i; save(); update(); }
      var target = document.getElementById(pid('question-' + id));
      if (target) { target.scrollIntoView(); focusQuestion(); }
    }

    // "asap" has no clock to count down: it means now, without undue delay.
    // Outside the triage there is no incident and no clock: an improvement
    // is due within a number of days, not at a minute.
    function deadline(dueMs, offset, now) {
      var within = withinText(offset);
      if (within) {
        return el('p', { class: 'deadline' }, [el('span', { class: 'step-label', text: t('js_deadline') }), el('strong', { class: 'within', text: within })]);
      }
      if (offset === 'asap') {
        return el('p', { class: 'deadline' }, [el('span', { class: 'step-label', text: t('js_deadline') }), el('strong', { class: 'asap', 'data-due': String(dueMs), text: t('js_asap') })]);
      }
      return el('p', { class: 'deadline' }, [
        el('span', { class: 'step-label', text: t('js_deadline') }),
        el('time', { datetime: new Date(dueMs).toISOString(), class: 'due-time', text: fmtTime(dueMs) }), ' · ',
        el('span', { class: 'countdown' + (dueMs < now ? ' overdue' : ''), 'data-due': String(dueMs), text: countdownText(dueMs, now) })
      ]);
    }

    function renderAction(a, now, expanded) {
      var done = !!state.ticks[a.id];
      var box = el('div', { class: 'action' + (done ? ' done' : ''), id: pid('action-' + a.id), 'data-due': String(a.due_ms) });
      var cb = el('input', { type: 'checkbox', id: pid('tick-' + a.id), checked: done, onchange: function () {
        if (this.checked) { state.ticks[a.id] = Date.now(); } else { delete state.ticks[a.id]; }
        save();
        // It stays where it is (focus with it) until the plan is drawn again,
        // then folds into the done list; the next actions update at once.
        box.className = 'action' + (this.checked ? ' done' : '');
        if (DEF.kind === 'triage') { renderSummary(lastPlan); }
      } });
      box.appendChild(el('label', { for: pid('tick-' + a.id) }, [cb, el('span', { class: 'action-title', text: a.title })]));
      if (state.discovered !== null || DEF.kind !== 'triage') { box.appendChild(deadline(a.due_ms, a.due_offset, now)); }
      box.appendChild(el('p', { class: 'labels' }, [
        el('span', { class: 'tag', title: t('js_phase'), text: a.phase_title }), ' ',
        el('span', { class: 'tag track-' + a.track, title: t('js_track'), text: a.track === 'admin' ? t('js_admin') : t('js_technical') }),
        a.pending ? el('span', { class: 'tag pending', text: t('js_provisional') }) : null,
        a.url ? ' · ' : null, a.url ? el('a', { href: link(a.url), text: t('js_guidance') }) : null
      ]));
      box.appendChild(contactLine(a.owner, t('js_owner')));
      if (a.party) {
        var party = contactLine(a.party, t('js_inform'));
        if (a.party.form_url) { party.appendChild(document.createTextNode(' · ')); party.appendChild(el('a', { href: link(a.party.form_url), rel: 'noopener noreferrer', text: t('js_form') })); }
        box.appendChild(party);
      }
      var more = [];
      if (a.text) { more.push(el('p', { text: a.text })); }
      var links = [];
      (a.sources || []).forEach(function (s, i) { if (i) { links.push(' · '); } links.push(el('a', { href: link(s.url), rel: 'noopener noreferrer', text: s.title })); });
      if (links.length) { more.push(el('p', { class: 'step-sources' }, links)); }
      if (a.reasons && a.reasons.length) {
        var ul = el('ul', { class: 'reasons' });
        a.reasons.forEach(function (r) { ul.appendChild(el('li', { text: r })); });
        more.push(el('p', { class: 'step-label', text: t('js_reasons') }));
        more.push(ul);
      }
      if (more.length) { box.appendChild(el('details', { class: 'action-more', open: !!expanded && !done }, [el('summary', { text: t('js_what_to_do') })].concat(more))); }
      return box;
    }

    // An inline SVG bar chart; sizes are attributes, not inline styles, so the CSP allows it.
    function scoreChart(score) {
      var NS = 'http://www.w3.org/2000/svg';
      var rows = score.areas.length ? score.areas : [{ id: 'total', title: t('js_score'), percent: score.percent }];
      var width = 560, rowH = 30, labelW = 220, barW = width - labelW - 60;
      var svg = document.createElementNS(NS, 'svg');
      svg.setAttribute('class', 'score-chart');
      svg.setAttribute('viewBox', '0 0 ' + width + ' ' + (rows.length * rowH + 10));
      svg.setAttribute('role', 'img');
      var summary = rows.map(function (r) { return r.title + ': ' + Math.round(r.percent) + '%'; }).join('; ');
      svg.setAttribute('aria-label', t('js_areas') + ': ' + summary);
      rows.forEach(function (r, i) {
        var y = i * rowH + 5;
        var label = document.createElementNS(NS, 'text');
        label.setAttribute('x', '0'); label.setAttribute('y', String(y + 17)); label.textContent = r.title;
        var bg = document.createElementNS(NS, 'rect');
        bg.setAttribute('class', 'track-bg'); bg.setAttribute('x', String(labelW)); bg.setAttribute('y', String(y + 4)); bg.setAttribute('width', String(barW)); bg.setAttribute('height', '18'); bg.setAttribute('rx', '3');
        var bar = document.createElementNS(NS, 'rect');
        bar.setAttribute('class', 'bar'); bar.setAttribute('x', String(labelW)); bar.setAttribute('y', String(y + 4)); bar.setAttribute('width', String(Math.max(0, Math.min(100, r.percent)) * barW / 100)); bar.setAttribute('height', '18'); bar.setAttribute('rx', '3');
        var pct = document.createElementNS(NS, 'text');
        pct.setAttribute('x', String(labelW + barW + 8)); pct.setAttribute('y', String(y + 17)); pct.textContent = Math.round(r.percent) + '%';
        svg.appendChild(label); svg.appendChild(bg); svg.appendChild(bar); svg.appendChild(pct);
      });
      var fig = el('figure', { class: 'score' }, [svg, el('figcaption', { text: t('js_score') + ': ' + score.total + ' / ' + score.max + ' (' + Math.round(score.percent) + '%)' })]);
      return fig;
    }

    // ---------- exports ----------
    function fileName(ext) {
      var d = new Date(state.discovered || Date.now());
      return app.getAttribute('data-assessment') + '-' + d.toISOString().slice(0, 10) + '.' + ext;
    }

    function download(name, type, text) {
      var blob = new Blob([text], { type: type + ';charset=utf-8' });
      var url = URL.createObjectURL(blob);
      var a = el('a', { href: url, download: name });
      document.body.appendChild(a);
      a.click();
      document.body.removeChild(a);
      setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
    }

    // Exports carry the answers as the reader saw them (labels, not codes),
    // the verdicts with their reasons, and when the plan was made. Every
    // time comes from the engine's plan: one deadline per duty.
    function answersOut(plan) {
      return plan.visible_questions.map(function (id) {
        var q = questionById(id);
        return { question: id, text: q ? q.text : id, answer: answerLabel(q, state.answers[id]), value: state.answers[id] === undefined ? null : state.answers[id] };
      });
    }

    function exportData(plan) {
      return {
        assessment: plan.assessment, lang: lang, title: plan.title, decided_at: new Date(plan.now_ms).toISOString(),
        discovered_at: state.discovered === null ? null : new Date(state.discovered).toISOString(),
        answers: state.answers, answers_shown: answersOut(plan), done: state.ticks, plan: plan
      };
    }

    function toMarkdown(plan) {
      var out = ['# ' + plan.title, ''];
      if (plan.kind === 'triage') { out.push('- ' + t('js_discovered_at') + ': ' + (state.discovered === null ? t('js_unanswered') : fmtTime(plan.discovered_ms))); }
      out.push('- ' + t('js_decided_at') + ': ' + fmtTime(plan.now_ms), '');
      if (plan.score) { out.push('## ' + t('js_score'), '', plan.score.total + ' / ' + plan.score.max + ' (' + Math.round(plan.score.percent) + '%)', ''); plan.score.areas.forEach(function (a) { out.push('- ' + a.title + ': ' + Math.round(a.percent) + '%'); }); out.push(''); }
      if (plan.verdicts.length) {
        out.push('## ' + t('js_verdicts'), '');
        plan.verdicts.forEach(function (v) {
          var due = v.decision === 'yes' && v.due_ms !== null && v.due_ms !== undefined ? ' — ' + t('js_deadline') + ' ' + dueText(v.due_ms, v.due_offset) : '';
          out.push('- **' + v.title + ': ' + (v.decision === 'yes' ? t('js_decision_yes') : t('js_decision_no')) + '**' + (v.pending ? ' — ' + t('js_pending') : '') + due);
          if (v.explanation) { out.push('  - ' + v.explanation); }
          (v.reasons || []).forEach(function (r) { out.push('  - ' + r); });
        });
        out.push('');
      }
      if (plan.actions.length) {
        out.push('## ' + t('js_actions'), '');
        plan.actions.forEach(function (a) {
          out.push('- [' + (state.ticks[a.id] ? 'x' : ' ') + '] **' + a.title + '** — ' + t('js_deadline') + ' ' + dueText(a.due_ms, a.due_offset) + ' — ' + t('js_owner') + ': ' + a.owner.name + (a.owner.phone ? ' (' + a.owner.phone + ')' : '') + (a.party ? ' — ' + t('js_inform') + ': ' + a.party.name : ''));
        });
        out.push('');
      }
      if (plan.open_questions.length) {
        out.push('## ' + t('js_open_questions'), '');
        plan.open_questions.forEach(function (q) { out.push('- ' + q.text); });
        out.push('');
      }
      out.push('## ' + t('js_answers'), '');
      answersOut(plan).forEach(function (a) { out.push('- ' + a.text + ' — ' + a.answer); });
      return out.join('\n') + '\n';
    }

    function icsEscape(s) { return String(s).replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/,/g, '\\,').replace(/;/g, '\\;'); }
    function icsTime(ms) { return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, ''); }
    // Lines longer than 75 octets are folded, as RFC 5545 asks.
    function icsFold(line) {
      var out = [];
      while (line.length > 73) { out.push(line.slice(0, 73)); line = ' ' + line.slice(73); }
      out.push(line);
      return out.join('\r\n');
    }

    // A reminder that fits the time left: a day ahead for a deadline days
    // away, two hours for one later today or tomorrow, a quarter of an hour
    // for one within hours, none when it is due now.
    function icsAlarm(remaining) {
      var DAY = 86400000, HOUR = 3600000;
      if (remaining >= 2 * DAY) { return '-P1D'; }
      if (remaining >= 8 * HOUR) { return '-PT2H'; }
      if (remaining >= HOUR) { return '-PT15M'; }
      return null;
    }

    // One event per duty: a verdict and the step that carries it out are one
    // event, at the engine's one deadline. "As soon as possible" is now.
    function toIcs(plan) {
      var lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//irbook//questionnaire//EN', 'CALSCALE:GREGORIAN', 'METHOD:PUBLISH'];
      var stamp = icsTime(plan.now_ms);
      function event(uid, ms, title, description) {
        var alarm = icsAlarm(ms - plan.now_ms);
        lines.push('BEGIN:VEVENT', 'UID:' + uid + '@irbook', 'DTSTAMP:' + stamp, 'DTSTART:' + icsTime(ms), 'DTEND:' + icsTime(ms + 15 * 60000), icsFold('SUMMARY:' + icsEscape(title)), icsFold('DESCRIPTION:' + icsEscape(description)));
        if (alarm) { lines.push('BEGIN:VALARM', 'ACTION:DISPLAY', 'TRIGGER:' + alarm, icsFold('DESCRIPTION:' + icsEscape(title)), 'END:VALARM'); }
        lines.push('END:VEVENT');
      }
      var key = app.getAttribute('data-assessment') + '-' + plan.discovered_ms;
      var served = {};
      plan.actions.forEach(function (a) { if (a.serves) { served[a.serves] = true; } });
      plan.verdicts.forEach(function (v) {
        if (v.decision === 'yes' && v.due_ms !== null && v.due_ms !== undefined && !served[v.id]) {
          event(key + '-verdict-' + v.id, v.due_ms, t('js_deadline') + ': ' + v.title, (v.explanation || '') + '\n' + (v.reasons || []).join('\n'));
        }
      });
      plan.actions.forEach(function (a) {
        if (state.ticks[a.id]) { return; }
        event(key + '-action-' + a.id, a.due_ms, a.title, (a.text || '') + '\n' + t('js_owner') + ': ' + a.owner.name + (a.owner.phone ? ' ' + a.owner.phone : ''));
      });
      lines.push('END:VCALENDAR');
      return lines.join('\r\n') + '\r\n';
    }

    // ---------- countdowns tick without recomputing the plan ----------
    function tick() {
      var now = Date.now();
      var nodes = app.querySelectorAll('.countdown[data-due]');
      for (var i = 0; i < nodes.length; i++) {
        var due = Number(nodes[i].getAttribute('data-due'));
        nodes[i].textContent = countdownText(due, now);
        nodes[i].className = 'countdown' + (due < now ? ' overdue' : '');
      }
    }

    // ---------- start ----------
    function start() {
      var ready = DEF ? loadEngine() : null;
      if (!ready) {
        fail('engine files missing');
        return;
      }
      ready.then(function (bindgen) {
        engine = new bindgen.Engine(JSON.stringify(DEF));
        load();
        build();
        update();
        window.setInterval(tick, 30000);
        app.setAttribute('data-ready', 'true');
      }).catch(function (e) { fail(String(e && e.message ? e.message : e)); });
    }

    // Shown again: another copy (the other language) may have changed the saved answers.
    function refresh() {
      if (!engine) { return; }
      state = { answers: {}, discovered: null, ticks: {}, mode: state.mode, index: 0, preset: null };
      notice = null;
      load();
      build();
      update();
    }

    start();
    return refresh;
  }

  function visible(e) { return e.getClientRects().length > 0; }

  var apps = [];
  function mountVisible() {
    var found = document.querySelectorAll('.app[data-assessment]');
    for (var i = 0; i < found.length; i++) {
      var e = found[i];
      var known = null;
      for (var j = 0; j < apps.length; j++) { if (apps[j].el === e) { known = apps[j]; } }
      if (!known) {
        known = { el: e, refresh: null, shown: false };
        apps.push(known);
      }
      var now = visible(e);
      if (now && !known.refresh) {
        known.refresh = mount(e);
      } else if (now && !known.shown && known.refresh) {
        known.refresh();
      }
      known.shown = now;
    }
  }

  window.addEventListener('hashchange', mountVisible);
  // Opened at a fragment, the browser may apply :target only once the page has loaded.
  window.addEventListener('load', mountVisible);
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', mountVisible);
  } else {
    mountVisible();
  }
}());
