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

  var STORAGE_VERSION = 2;
  // The incident file (docs/INCIDENT-FILE.md): its format name and the
  // newest version this script reads and writes.
  var FILE_FORMAT = 'irbook-incident';
  var FILE_VERSION = 1;

  // The engine's module, written by build.rs as one character per byte:
  // the byte is the character's code, or its code minus 0x100.
  function engineBytes(text) {
    var bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) { bytes[i] = text.charCodeAt(i) & 0xFF; }
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
      engineReady = bindgen({ module_or_path: engineBytes(window.IRBOOK_ENGINE_WASM) }).then(function () { return bindgen; });
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
    // One store per questionnaire and handbook: the incidents (a triage is
    // the incident record; the other kinds keep one, unnamed), which one is
    // shown, and how the questions are shown. Incidents are stored in the
    // incident file's own shape (docs/INCIDENT-FILE.md), so one check reads
    // both; in memory their times are milliseconds.
    var store = { incidents: [], current: null, mode: 'single', index: 0, who: '' };
    var state = null; // the incident on screen
    var notice = null;
    var storageProblem = null; // null, 'unavailable' or 'full'
    var RECORD = entry.record || { stages: [], follow_ups: [] };

    function newIncident(name) {
      var now = Date.now();
      return {
        id: 'inc-' + now.toString(36) + '-' + Math.floor(Math.random() * 2176782336).toString(36),
        name: name, created: now, discovered: null, closed: null, preset: null,
        answers: {}, ticks: {}, skipped: {},
        register: { description: '', data: '', consequences: '', measures: '' },
        timeline: [], decisions: [], notifications: []
      };
    }

    function iso(ms) { return ms === null || ms === undefined ? null : new Date(ms).toISOString(); }
    function mapValues(obj, f) { var out = {}; Object.keys(obj).forEach(function (k) { out[k] = f(obj[k]); }); return out; }

    function toFileIncident(inc) {
      return {
        id: inc.id, name: inc.name, created_at: iso(inc.created), discovered_at: iso(inc.discovered), closed_at: iso(inc.closed),
        preset: inc.preset, answers: inc.answers, done: mapValues(inc.ticks, iso), not_applicable: mapValues(inc.skipped, iso),
        register: inc.register, timeline: inc.timeline, decisions: inc.decisions, notifications: inc.notifications
      };
    }

    function fromFileIncident(f) {
      return {
        id: f.id, name: f.name, created: Date.parse(f.created_at), discovered: f.discovered_at === null ? null : Date.parse(f.discovered_at),
        closed: f.closed_at === null ? null : Date.parse(f.closed_at), preset: f.preset, answers: f.answers,
        ticks: mapValues(f.done, Date.parse), skipped: mapValues(f.not_applicable, Date.parse),
        register: { description: f.register.description || '', data: f.register.data || '', consequences: f.register.consequences || '', measures: f.register.measures || '' },
        timeline: f.timeline, decisions: f.decisions, notifications: f.notifications
      };
    }

    // The first thing wrong with an incident in file shape, in words, or null.
    // Every field is checked, so that nothing half-read ever reaches the page.
    function incidentProblem(f) {
      function isObj(v) { return v !== null && typeof v === 'object' && !Array.isArray(v); }
      function isTime(v) { return typeof v === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(v) && !isNaN(Date.parse(v)); }
      function isStr(v) { return typeof v === 'string'; }
      function each(list, name, check) {
        if (!Array.isArray(list)) { return name + ' is not a list'; }
        for (var i = 0; i < list.length; i++) {
          if (!isObj(list[i])) { return name + ' ' + (i + 1) + ' is not an object'; }
          var p = check(list[i]);
          if (p) { return name + ' ' + (i + 1) + ': ' + p; }
        }
        return null;
      }
      function fields(o, spec) {
        var keys = Object.keys(spec);
        for (var i = 0; i < keys.length; i++) { if (!spec[keys[i]](o[keys[i]])) { return '`' + keys[i] + '` is missing or malformed'; } }
        return null;
      }
      function orNull(check) { return function (v) { return v === null || check(v); }; }
      function timesIn(v) { return isObj(v) && Object.keys(v).every(function (k) { return isTime(v[k]); }); }
      if (!isObj(f)) { return '`incident` is not an object'; }
      var top = fields(f, {
        id: function (v) { return isStr(v) && v.length > 0 && v.length <= 100; }, name: isStr, created_at: isTime,
        discovered_at: orNull(isTime), closed_at: orNull(isTime), preset: orNull(isStr), answers: isObj,
        done: timesIn, not_applicable: timesIn,
        register: function (v) { return isObj(v) && ['description', 'data', 'consequences', 'measures'].every(function (k) { return v[k] === undefined || isStr(v[k]); }); }
      });
      if (top) { return top; }
      return each(f.timeline, 'timeline entry', function (e) {
        return fields(e, { n: function (v) { return typeof v === 'number' && v % 1 === 0; }, at: isTime, who: isStr, kind: isStr, text: isStr, note: isStr });
      }) || each(f.decisions, 'decision', function (d) {
        return fields(d, { at: isTime, who: isStr, reason: isStr, verdicts: Array.isArray, answers: Array.isArray }) ||
          each(d.verdicts, 'verdict', function (v) {
            return fields(v, { id: isStr, title: isStr, decision: function (x) { return x === 'yes' || x === 'no'; }, due_at: orNull(isTime), explanation: isStr, reasons: Array.isArray });
          }) ||
          each(d.answers, 'answer', function (a) { return fields(a, { question: isStr, text: isStr, answer: isStr }); });
      }) || each(f.notifications, 'notification', function (n) {
        return fields(n, { at: isTime, who: isStr, party: isStr, party_title: isStr, stage: orNull(isStr), stage_title: orNull(isStr), sent_at: isTime, channel: isStr, reference: isStr, note: isStr });
      });
    }

    // Answers the questionnaire no longer knows are taken out (and counted),
    // so that a changed questionnaire never loses the rest of the record.
    function dropBadAnswers(inc) {
      var problems = [];
      try { problems = JSON.parse(engine.check_answers(JSON.stringify(inc.answers))); } catch (e) { problems = [{ question: '' }]; }
      var dropped = 0;
      problems.forEach(function (p) {
        if (p.question && inc.answers[p.question] !== undefined) { delete inc.answers[p.question]; dropped++; }
        if (!p.question) { dropped += Object.keys(inc.answers).length; inc.answers = {}; }
      });
      return dropped;
    }

    function load() {
      var raw;
      try { raw = window.localStorage.getItem(storageKey); } catch (e) { storageProblem = 'unavailable'; return; }
      if (raw === null) { return; }
      var data;
      try { data = JSON.parse(raw); } catch (e) { data = null; }
      function discard(message) {
        notice = message;
        try { window.localStorage.removeItem(storageKey); } catch (e) { /* storage unavailable */ }
      }
      // The one plan of version 1 becomes the first incident.
      if (data && typeof data === 'object' && data.version === 1 && data.answers && typeof data.answers === 'object' && !Array.isArray(data.answers)) {
        if (data.hash !== DEF.hash) { discard(t('js_storage_old')); return; }
        var first = newIncident(t('js_incident_n', { n: 1 }));
        first.answers = data.answers;
        first.discovered = typeof data.discovered === 'number' ? data.discovered : null;
        first.ticks = data.ticks && typeof data.ticks === 'object' ? data.ticks : {};
        first.preset = typeof data.preset === 'string' ? data.preset : null;
        store.incidents = [first];
        store.current = first.id;
        store.mode = data.mode === 'all' ? 'all' : 'single';
        store.index = typeof data.index === 'number' ? data.index : 0;
        save(); // kept in the new shape from now on
        return;
      }
      var valid = data && typeof data === 'object' && data.version === STORAGE_VERSION && Array.isArray(data.incidents);
      if (!valid) { discard(t('js_storage_corrupt')); return; }
      var bad = 0;
      data.incidents.forEach(function (f) {
        if (incidentProblem(f)) { bad++; } else { store.incidents.push(fromFileIncident(f)); }
      });
      if (bad) { notice = t('js_storage_corrupt'); }
      if (data.hash !== DEF.hash) {
        var dropped = 0;
        store.incidents.forEach(function (inc) { dropped += dropBadAnswers(inc); });
        if (dropped) { notice = t('js_storage_changed', { n: dropped }); }
      }
      store.current = typeof data.current === 'string' ? data.current : null;
      store.mode = data.mode === 'all' ? 'all' : 'single';
      store.index = typeof data.index === 'number' ? data.index : 0;
      store.who = typeof data.who === 'string' ? data.who : '';
    }

    // The incident on screen; a first one is made when there is none.
    function pickCurrent() {
      state = null;
      store.incidents.forEach(function (inc) { if (inc.id === store.current) { state = inc; } });
      if (!state && store.incidents.length) { state = store.incidents[store.incidents.length - 1]; }
      if (!state) {
        state = newIncident(DEF.kind === 'triage' ? t('js_incident_n', { n: 1 }) : DEF.title);
        store.incidents.push(state);
      }
      store.current = state.id;
    }

    function save() {
      var data = { version: STORAGE_VERSION, hash: DEF.hash, current: store.current, mode: store.mode, index: store.index, who: store.who, incidents: store.incidents.map(toFileIncident) };
      var was = storageProblem;
      try {
        window.localStorage.setItem(storageKey, JSON.stringify(data));
        storageProblem = null;
      } catch (e) {
        // Private mode, blocked or full: the page still works, and says so.
        storageProblem = e && (e.name === 'QuotaExceededError' || e.code === 22) ? 'full' : 'unavailable';
      }
      if (was !== storageProblem && storageBox) { renderStorageWarning(); }
    }

    // A timeline entry: never rewritten, a correction is a new entry.
    function log(kind, text, note) {
      if (!state || DEF.kind !== 'triage') { return; }
      state.timeline.push({ n: state.timeline.length + 1, at: new Date().toISOString(), who: store.who || '', kind: kind, text: text, note: note || '' });
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
      var q = questionById(id);
      log('answer', (q ? q.text : id) + ' — ' + answerLabel(q, state.answers[id]));
      save();
      if (advance && store.mode === 'single') {
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
        if (state.answers[visible[i]] === undefined) { store.index = i; save(); return; }
      }
      for (var j = 0; j < visible.length; j++) {
        if (state.answers[visible[j]] === undefined) { store.index = j; save(); return; }
      }
      if (from >= 0 && from + 1 < visible.length) { store.index = from + 1; save(); }
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
      storageBox = el('div', { class: 'storage-warning-box', id: pid('storage-warning-box') });
      app.appendChild(storageBox);
      renderStorageWarning();
      var toolbar = el('div', { class: 'toolbar' }, [
        el('button', { type: 'button', class: 'button', id: pid('mode-toggle'), onclick: function () { store.mode = store.mode === 'single' ? 'all' : 'single'; save(); update(); } }),
        el('button', { type: 'button', class: 'button', id: pid('reset'), text: t(DEF.kind === 'triage' ? 'js_incident_delete' : 'js_reset'), onclick: function () { if (window.confirm(t(DEF.kind === 'triage' ? 'js_incident_delete_confirm' : 'js_reset_confirm'))) { reset(); } } })
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
      recordPane = null;
      if (DEF.kind === 'triage') {
        recordPane = el('section', { class: 'record', id: pid('record'), 'aria-labelledby': pid('record-title') });
        app.appendChild(recordPane);
      }
      app.appendChild(liveRegion);
    }

    function setDiscovered(ms) {
      state.discovered = ms;
      log('discovered', t('js_discovered_at') + ' ' + fmtTime(ms));
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
        el('button', { type: 'button', class: 'link-button', id: pid('discovered-change'), text: t('js_change'), onclick: function () { state.discovered = null; log('discovered', t('js_discovered_cleared')); save(); update(); var f = document.getElementById(pid('discovered-now')); if (f) { f.focus(); } } })
      ]);
      var presets = DEF.presets || [];
      var used = null;
      presets.forEach(function (p) { if (p.id === state.preset) { used = p; } });
      if (used) { line.appendChild(el('span', { class: 'preset-used', text: ' · ' + t('js_preset_used') + ': ' + used.label })); }
      // Which incident this is, once there are several; the record below lists them.
      if (store.incidents.length > 1) {
        line.appendChild(el('span', { class: 'incident-current' }, [' · ', el('a', { href: '#' + pid('incidents-title'), id: pid('incident-link'), text: state.name })]));
      }
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
      log('preset', t('js_preset_used') + ': ' + p.label);
      store.index = 0;
      save();
      update();
      var first = lastPlan.visible_questions.filter(function (id) { return state.answers[id] === undefined; })[0];
      if (first) { store.index = lastPlan.visible_questions.indexOf(first); save(); update(); }
      focusQuestion();
    }

    // A triage deletes the incident on screen (the others are kept); the
    // other questionnaires simply start again.
    function reset() {
      store.incidents = DEF.kind === 'triage' ? store.incidents.filter(function (inc) { return inc !== state; }) : [];
      store.current = null;
      store.index = 0;
      notice = null;
      pickCurrent();
      save();
      build();
      update();
    }

    function update() {
      var plan;
      try { plan = computePlan(); } catch (e) { fail(String(e && e.message ? e.message : e)); return; }
      lastPlan = plan;
      var toggle = document.getElementById(pid('mode-toggle'));
      if (toggle) { toggle.textContent = store.mode === 'single' ? t('js_show_all') : t('js_one_at_a_time'); }
      var focusId = document.activeElement && document.activeElement.id;
      if (DEF.kind === 'triage') { renderTop(); renderSummary(plan); }
      renderQuestions(plan);
      renderPlan(plan);
      if (recordPane) { renderRecord(plan); }
      if (focusId) { var f = document.getElementById(focusId); if (f) { f.focus(); } }
    }

    function renderQuestions(plan) {
      clear(questionsPane);
      var visible = plan.visible_questions.map(questionById).filter(Boolean);
      if (store.mode === 'all') {
        visible.forEach(function (q) { questionsPane.appendChild(renderQuestion(q, plan)); });
        return;
      }
      if (store.index >= visible.length) { store.index = Math.max(0, visible.length - 1); }
      var q = visible[store.index];
      var answered = visible.filter(function (v) { return state.answers[v.id] !== undefined; }).length;
      questionsPane.appendChild(el('p', { class: 'progress-label', id: pid('progress-label'), text: t('js_question_of', { n: store.index + 1, total: visible.length }) }));
      var bar = el('div', { class: 'progress-bar' });
      bar.style.width = (visible.length ? Math.round(100 * answered / visible.length) : 0) + '%';
      questionsPane.appendChild(el('div', { class: 'progress', role: 'progressbar', 'aria-labelledby': pid('progress-label'), 'aria-valuemin': '0', 'aria-valuemax': String(visible.length), 'aria-valuenow': String(answered) }, [bar]));
      if (q) { questionsPane.appendChild(renderQuestion(q, plan)); }
      var nav = el('div', { class: 'toolbar' }, [
        el('button', { type: 'button', class: 'button', id: pid('prev'), text: '← ' + t('js_back'), disabled: store.index === 0, onclick: function () { store.index -= 1; save(); update(); focusQuestion(); } }),
        el('button', { type: 'button', class: 'button button-primary', id: pid('next'), text: t('js_next') + ' →', disabled: store.index >= visible.length - 1, onclick: function () { store.index += 1; save(); update(); focusQuestion(); } })
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
        var open = plan.actions.filter(function (a) { return !state.ticks[a.id] && !state.skipped[a.id]; });
        var done = plan.actions.filter(function (a) { return !!state.ticks[a.id]; });
        var skippedList = plan.actions.filter(function (a) { return !state.ticks[a.id] && !!state.skipped[a.id]; });
        var list = el('ol', { class: 'actions', id: pid('actions') });
        open.forEach(function (a, i) { list.appendChild(el('li', null, [renderAction(a, now, i < 3)])); });
        planPane.appendChild(list);
        if (done.length) {
          var doneList = el('ol', { class: 'actions done-list' });
          done.forEach(function (a) { doneList.appendChild(el('li', null, [renderAction(a, now, false)])); });
          planPane.appendChild(el('details', { class: 'done-actions', id: pid('done-actions') }, [el('summary', { text: t('js_done_count', { n: done.length }) }), doneList]));
        }
        if (skippedList.length) {
          var skipList = el('ol', { class: 'actions skipped-list' });
          skippedList.forEach(function (a) { skipList.appendChild(el('li', null, [renderAction(a, now, false)])); });
          planPane.appendChild(el('details', { class: 'done-actions skipped-actions', id: pid('skipped-actions') }, [el('summary', { text: t('js_skipped_count', { n: skippedList.length }) }), skipList]));
        }
        if (DEF.kind === 'triage') { renderFollowUps(now); }
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
      var next = plan.actions.filter(function (a) { return !state.ticks[a.id] && !state.skipped[a.id]; }).slice(0, 3);
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
      if (store.mode === 'single' && i >= 0) { store.index = i; save(); update(); }
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
      var skipped = !!state.skipped[a.id];
      var box = el('div', { class: 'action' + (done ? ' done' : '') + (skipped ? ' skipped' : ''), id: pid('action-' + a.id), 'data-due': String(a.due_ms) });
      var cb = el('input', { type: 'checkbox', id: pid('tick-' + a.id), checked: done, onchange: function () {
        if (this.checked) { state.ticks[a.id] = Date.now(); delete state.skipped[a.id]; } else { delete state.ticks[a.id]; }
        log(this.checked ? 'done' : 'undone', a.title);
        save();
        // It stays where it is (focus with it) until the plan is drawn again,
        // then folds into the done list; the next actions update at once.
        box.className = 'action' + (this.checked ? ' done' : '');
        if (DEF.kind === 'triage') { renderSummary(lastPlan); }
      } });
      box.appendChild(el('label', { for: pid('tick-' + a.id) }, [cb, el('span', { class: 'action-title', text: a.title })]));
      if (DEF.kind === 'triage' && !done) {
        // A step the team finds does not apply folds away with the done ones, and the timeline says so.
        box.appendChild(el('button', { type: 'button', class: 'link-button skip', id: pid('skip-' + a.id), text: skipped ? t('js_applies_after_all') : t('js_not_applicable'), onclick: function () {
          if (skipped) { delete state.skipped[a.id]; } else { state.skipped[a.id] = Date.now(); }
          log(skipped ? 'applies' : 'not-applicable', a.title);
          save();
          update();
        } }));
      }
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

    // ---------- the incident record ----------
    var recordPane = null, storageBox = null;
    // What is typed in the record's forms survives a redraw of the page.
    var drafts = {};
    function draftInput(tag, id, attrs) {
      var e = el(tag, Object.assign({ id: pid(id) }, attrs || {}));
      e.value = drafts[id] || '';
      e.addEventListener('input', function () { drafts[id] = e.value; });
      return e;
    }
    function field(id, label, input) {
      return el('div', { class: 'record-field' }, [el('label', { for: pid(id), text: label }), input]);
    }

    function renderStorageWarning() {
      if (!storageBox) { return; }
      clear(storageBox);
      if (!storageProblem || DEF.kind !== 'triage') { return; }
      storageBox.appendChild(el('p', { class: 'notice storage-warning', role: 'alert', id: pid('storage-warning') }, [
        t(storageProblem === 'full' ? 'js_storage_full' : 'js_storage_unavailable') + ' ',
        el('button', { type: 'button', class: 'button', id: pid('storage-save-file'), text: t('js_file_save'), onclick: saveFile })
      ]));
    }

    // What follows from the notifications made: content (records/follow-ups.yaml),
    // counted by the engine from the moment each was sent.
    function followUps(inc) {
      var out = [];
      inc.notifications.forEach(function (n, i) {
        (RECORD.follow_ups || []).forEach(function (f) {
          if (f.after !== n.party || (f.stage && f.stage !== n.stage)) { return; }
          var sent = Date.parse(n.sent_at);
          var due = null;
          if (f.due) {
            try {
              var offset = -new Date(sent).getTimezoneOffset();
              due = engine.after(f.due, sent, offset);
              // Months keep the local clock time: across a change to or from
              // summer time the offset at the deadline is the one that counts.
              var shift = -new Date(due).getTimezoneOffset() - offset;
              if (shift && !/^\d+[mhdw]$/.test(f.due)) { due -= shift * 60000; }
            } catch (e) { due = null; }
          }
          out.push({ key: 'follow-' + (i + 1) + '-' + f.id, f: f, n: n, due: due });
        });
      });
      out.sort(function (a, b) { return (a.due === null ? Infinity : a.due) - (b.due === null ? Infinity : b.due); });
      return out;
    }

    function renderFollowUps(now) {
      var ups = followUps(state);
      if (!ups.length) { return; }
      planPane.appendChild(el('h3', { id: pid('follow-ups-title'), text: t('js_follow_ups') }));
      var list = el('ol', { class: 'actions follow-ups', id: pid('follow-ups') });
      ups.forEach(function (u) {
        var done = !!state.ticks[u.key];
        var box = el('div', { class: 'action follow-up' + (done ? ' done' : ''), id: pid('action-' + u.key) });
        var cb = el('input', { type: 'checkbox', id: pid('tick-' + u.key), checked: done, onchange: function () {
          if (this.checked) { state.ticks[u.key] = Date.now(); } else { delete state.ticks[u.key]; }
          log(this.checked ? 'done' : 'undone', u.f.title);
          save();
          update();
        } });
        box.appendChild(el('label', { for: pid('tick-' + u.key) }, [cb, el('span', { class: 'action-title', text: u.f.title })]));
        if (u.due === null) {
          box.appendChild(el('p', { class: 'deadline' }, [el('span', { class: 'step-label', text: t('js_deadline') }), el('strong', { text: t('js_no_fixed_deadline') })]));
        } else {
          box.appendChild(deadline(u.due, null, now));
        }
        box.appendChild(el('p', { class: 'labels' }, [t('js_after_notification') + ': ' + u.n.party_title + (u.n.stage_title ? ' — ' + u.n.stage_title : '') + ', ' + fmtTime(Date.parse(u.n.sent_at)) + (u.n.reference ? ' · ' + t('js_ref_no') + ' ' + u.n.reference : '')]));
        var links = [];
        (u.f.sources || []).forEach(function (src, i) { if (i) { links.push(' · '); } links.push(el('a', { href: link(src.url), rel: 'noopener noreferrer', text: src.title })); });
        box.appendChild(el('details', { class: 'action-more', open: !done }, [el('summary', { text: t('js_what_to_do') }), el('p', { text: u.f.text }), links.length ? el('p', { class: 'step-sources' }, links) : null]));
        list.appendChild(el('li', null, [box]));
      });
      planPane.appendChild(list);
    }

    // A plan for an incident that is not on screen (its next deadline in the list).
    function planFor(inc) {
      if (inc === state && lastPlan) { return lastPlan; }
      var now = Date.now();
      var discovered = inc.discovered === null ? now : inc.discovered;
      try { return JSON.parse(engine.plan(JSON.stringify(inc.answers), discovered, now, -new Date(discovered).getTimezoneOffset())); } catch (e) { return null; }
    }

    function incidentState(inc) {
      return inc.closed !== null ? 'closed' : inc.notifications.length ? 'notified' : 'open';
    }

    // The earliest open deadline of an incident: its actions and follow-ups.
    function nextDeadline(inc) {
      if (inc.closed !== null || inc.discovered === null) { return null; }
      var best = null;
      function consider(ms, title, asap) { if (best === null || ms < best.ms) { best = { ms: ms, title: title, asap: asap }; } }
      var plan = planFor(inc);
      (plan ? plan.actions : []).forEach(function (a) { if (!inc.ticks[a.id] && !inc.skipped[a.id]) { consider(a.due_ms, a.title, a.due_offset === 'asap'); } });
      followUps(inc).forEach(function (u) { if (u.due !== null && !inc.ticks[u.key]) { consider(u.due, u.f.title, false); } });
      return best;
    }

    function switchTo(inc) {
      state = inc;
      store.current = inc.id;
      store.index = 0;
      save();
      build();
      update();
      var title = document.getElementById(pid('incidents-title'));
      if (title) { title.scrollIntoView(); }
    }

    function renderRecord(plan) {
      clear(recordPane);
      var now = Date.now();
      recordPane.appendChild(el('h2', { id: pid('record-title'), text: t('js_record_title') }));
      recordPane.appendChild(el('p', { class: 'muted', text: t('js_record_help') }));
      recordPane.appendChild(field('record-who', t('js_who_are_you'), (function () {
        var e = el('input', { type: 'text', id: pid('record-who'), autocomplete: 'name' });
        e.value = store.who;
        e.addEventListener('change', function () { store.who = e.value.trim(); save(); });
        return e;
      }())));

      // The incidents, their state and next deadline.
      recordPane.appendChild(el('h3', { id: pid('incidents-title'), text: t('js_incidents') }));
      var table = el('table', { class: 'incidents', id: pid('incidents') });
      table.appendChild(el('thead', null, [el('tr', null, [el('th', { text: t('js_incident_name') }), el('th', { text: t('js_discovered') }), el('th', { text: t('js_state') }), el('th', { text: t('js_next_deadline') })])]));
      var tbody = el('tbody');
      store.incidents.forEach(function (inc) {
        var st = incidentState(inc);
        var next = nextDeadline(inc);
        var name = inc === state
          ? el('strong', { 'aria-current': 'true', text: inc.name || t('js_unnamed') })
          : el('button', { type: 'button', class: 'link-button', 'data-incident': inc.id, text: inc.name || t('js_unnamed'), onclick: function () { switchTo(inc); } });
        tbody.appendChild(el('tr', { class: 'incident-row state-' + st, 'data-state': st, 'data-id': inc.id }, [
          el('td', null, [name]),
          el('td', { text: inc.discovered === null ? '—' : fmtShort(inc.discovered) }),
          el('td', { class: 'incident-state', text: t('js_state_' + st) }),
          el('td', { class: 'incident-next' }, next === null ? ['—'] : [next.asap ? t('js_now') : fmtShort(next.ms), ' · ', next.title])
        ]));
      });
      table.appendChild(tbody);
      recordPane.appendChild(el('div', { class: 'table-scroll' }, [table]));
      var nameInput = el('input', { type: 'text', id: pid('incident-name') });
      nameInput.value = state.name;
      nameInput.addEventListener('change', function () {
        var v = nameInput.value.trim();
        if (!v || v === state.name) { nameInput.value = state.name; return; }
        log('renamed', t('js_renamed', { from: state.name, to: v }));
        state.name = v;
        save();
        update();
      });
      recordPane.appendChild(el('div', { class: 'record-row' }, [
        field('incident-name', t('js_incident_name'), nameInput),
        el('div', { class: 'toolbar' }, [
          el('button', { type: 'button', class: 'button', id: pid('incident-new'), text: t('js_incident_new'), onclick: function () {
            var inc = newIncident(t('js_incident_n', { n: store.incidents.length + 1 }));
            store.incidents.push(inc);
            state = inc;
            log('created', t('js_created'));
            switchTo(inc);
            var d = document.getElementById(pid('discovered-now'));
            if (d) { d.focus(); }
          } }),
          el('button', { type: 'button', class: 'button', id: pid('incident-close'), text: state.closed === null ? t('js_incident_close') : t('js_incident_reopen'), onclick: function () {
            if (state.closed === null) { state.closed = Date.now(); log('closed', t('js_state_closed')); } else { state.closed = null; log('reopened', t('js_incident_reopen')); }
            save();
            update();
          } })
        ])
      ]));

      renderTimeline();
      renderDecisions(plan);
      renderNotifications(plan);
      renderDrafts(plan);
      renderRegister();
      renderFile();
    }

    // Entries about a step keep the step's title as their text (the register
    // lists the steps done from them); the page says what happened to it.
    var KIND_LABELS = { done: 'js_done', undone: 'js_undone', 'not-applicable': 'js_not_applicable', applies: 'js_applies_after_all' };

    function renderTimeline() {
      recordPane.appendChild(el('h3', { id: pid('timeline-title'), text: t('js_timeline') }));
      var ol = el('ol', { class: 'timeline', id: pid('timeline') });
      state.timeline.forEach(function (e) {
        ol.appendChild(el('li', { class: 'entry kind-' + e.kind, 'data-kind': e.kind, id: pid('entry-' + e.n) }, [
          el('time', { datetime: e.at, text: fmtShort(Date.parse(e.at)) }), ' ',
          e.who ? el('span', { class: 'who', text: e.who + ': ' }) : null,
          KIND_LABELS[e.kind] ? el('span', { class: 'kind', text: t(KIND_LABELS[e.kind]) + ': ' }) : null,
          el('span', { class: 'what', text: e.text }),
          e.note ? el('span', { class: 'note', text: ' — ' + e.note }) : null,
          e.kind === 'note' ? ' ' : null,
          e.kind === 'note' ? el('button', { type: 'button', class: 'link-button correct', id: pid('correct-' + e.n), text: t('js_correct_entry'), onclick: function () {
            drafts['log-text'] = t('js_correction_of', { n: e.n }) + ' ';
            update();
            var f = document.getElementById(pid('log-text'));
            if (f) { f.focus(); }
          } }) : null
        ]));
      });
      if (!state.timeline.length) { ol.appendChild(el('li', { class: 'muted', text: t('js_timeline_empty') })); }
      recordPane.appendChild(ol);
      recordPane.appendChild(el('div', { class: 'record-form' }, [
        field('log-text', t('js_log_what'), draftInput('input', 'log-text', { type: 'text' })),
        field('log-note', t('js_log_note'), draftInput('input', 'log-note', { type: 'text' })),
        el('button', { type: 'button', class: 'button', id: pid('log-add'), text: t('js_log_add'), onclick: function () {
          var text = (drafts['log-text'] || '').trim();
          if (!text) { var f = document.getElementById(pid('log-text')); if (f) { f.focus(); } return; }
          log('note', text, (drafts['log-note'] || '').trim());
          drafts['log-text'] = ''; drafts['log-note'] = '';
          save();
          update();
        } })
      ]));
    }

    function verdictSnapshot(plan) {
      return plan.verdicts.map(function (v) {
        var timed = v.decision === 'yes' && v.due_ms !== null && v.due_ms !== undefined && state.discovered !== null;
        return { id: v.id, title: v.title, decision: v.decision, pending: !!v.pending, due_at: timed ? iso(v.due_ms) : null, due_offset: v.due_offset || null, explanation: v.explanation || '', reasons: v.reasons || [] };
      });
    }

    function renderDecisions(plan) {
      recordPane.appendChild(el('h3', { id: pid('decisions-title'), text: t('js_decisions') }));
      recordPane.appendChild(el('p', { class: 'muted', text: t('js_decision_help') }));
      var ol = el('ol', { class: 'decisions', id: pid('decisions') });
      state.decisions.forEach(function (d, i) {
        var ul = el('ul', { class: 'decision-verdicts' });
        d.verdicts.forEach(function (v) {
          ul.appendChild(el('li', { 'data-verdict': v.id, 'data-decision': v.decision }, [el('strong', { text: v.title + ': ' + (v.decision === 'yes' ? t('js_decision_yes') : t('js_decision_no')) }), v.due_at ? ' — ' + t('js_deadline') + ' ' + fmtTime(Date.parse(v.due_at)) : '', v.decision === 'no' && v.explanation ? el('span', { class: 'why', text: ' — ' + v.explanation }) : null]));
        });
        ol.appendChild(el('li', { id: pid('decision-' + (i + 1)) }, [
          el('p', null, [el('time', { datetime: d.at, text: fmtTime(Date.parse(d.at)) }), d.who ? ' · ' + d.who : '', d.reason ? ' — ' + d.reason : '']),
          el('details', null, [el('summary', { text: t('js_decision_details') }), ul])
        ]));
      });
      recordPane.appendChild(ol);
      recordPane.appendChild(el('div', { class: 'record-form' }, [
        field('decision-reason', t('js_decision_reason'), draftInput('textarea', 'decision-reason', { rows: '2' })),
        el('button', { type: 'button', class: 'button', id: pid('decision-record'), text: t('js_decision_record'), onclick: function () {
          var d = { at: new Date().toISOString(), who: store.who || '', reason: (drafts['decision-reason'] || '').trim(), verdicts: verdictSnapshot(lastPlan), answers: answersOut(lastPlan).map(function (a) { return { question: a.question, text: a.text, answer: a.answer }; }) };
          state.decisions.push(d);
          var said = d.verdicts.map(function (v) { return v.title + ': ' + (v.decision === 'yes' ? t('js_decision_yes') : t('js_decision_no')); }).join('; ');
          log('decision', t('js_decision_logged') + ' ' + said, d.reason);
          drafts['decision-reason'] = '';
          save();
          update();
        } })
      ]));
    }

    function stagesOf(party) { return (RECORD.stages || []).filter(function (s) { return s.verdict === party; }); }

    function renderNotifications(plan) {
      recordPane.appendChild(el('h3', { id: pid('notifications-title'), text: t('js_notifications') }));
      var ol = el('ol', { class: 'notifications', id: pid('notifications') });
      state.notifications.forEach(function (n, i) {
        ol.appendChild(el('li', { id: pid('notification-' + (i + 1)), 'data-party': n.party }, [
          el('strong', { text: n.party_title + (n.stage_title ? ' — ' + n.stage_title : '') }), ' · ',
          el('time', { datetime: n.sent_at, text: fmtTime(Date.parse(n.sent_at)) }),
          n.channel ? ' · ' + n.channel : '',
          n.reference ? el('span', { class: 'reference' }, [' · ' + t('js_ref_no') + ' ', el('code', { text: n.reference })]) : null,
          n.note ? ' — ' + n.note : ''
        ]));
      });
      recordPane.appendChild(ol);
      var parties = plan.verdicts.filter(function (v) { return v.decision === 'yes' && v.id !== 'document_internally'; });
      if (!parties.length) { return; }
      var party = el('select', { id: pid('notify-party') });
      parties.forEach(function (v) { party.appendChild(el('option', { value: v.id, text: v.title, selected: drafts['notify-party'] === v.id })); });
      if (!drafts['notify-party'] || !parties.some(function (v) { return v.id === drafts['notify-party']; })) { drafts['notify-party'] = parties[0].id; }
      var stage = el('select', { id: pid('notify-stage') });
      var stageField = field('notify-stage', t('js_notify_stage'), stage);
      function fillStages() {
        clear(stage);
        var list = stagesOf(party.value);
        list.forEach(function (s) { stage.appendChild(el('option', { value: s.id, text: s.title, selected: drafts['notify-stage'] === s.id })); });
        stageField.hidden = !list.length;
      }
      party.addEventListener('change', function () { drafts['notify-party'] = party.value; drafts['notify-stage'] = ''; fillStages(); });
      stage.addEventListener('change', function () { drafts['notify-stage'] = stage.value; });
      fillStages();
      var sent = draftInput('input', 'notify-sent', { type: 'datetime-local' });
      var message = el('p', { class: 'form-message', id: pid('notify-message'), role: 'status' });
      recordPane.appendChild(el('div', { class: 'record-form' }, [
        field('notify-party', t('js_notify_party'), party),
        stageField,
        el('div', { class: 'record-field' }, [el('label', { for: pid('notify-sent'), text: t('js_notify_sent') }), sent, ' ',
          el('button', { type: 'button', class: 'link-button', id: pid('notify-sent-now'), text: t('js_just_now'), onclick: function () { sent.value = toLocalInput(Date.now()); drafts['notify-sent'] = sent.value; } })]),
        field('notify-channel', t('js_notify_channel'), draftInput('input', 'notify-channel', { type: 'text' })),
        field('notify-reference', t('js_notify_reference'), draftInput('input', 'notify-reference', { type: 'text' })),
        field('notify-note', t('js_log_note'), draftInput('input', 'notify-note', { type: 'text' })),
        el('button', { type: 'button', class: 'button', id: pid('notify-record'), text: t('js_notify_record'), onclick: function () {
          var when = new Date(sent.value).getTime();
          if (!sent.value || isNaN(when)) { message.textContent = t('js_notify_need_time'); sent.focus(); return; }
          if (when > Date.now() + 5 * 60000) { message.textContent = t('js_notify_future'); sent.focus(); return; }
          var v = null;
          parties.forEach(function (x) { if (x.id === party.value) { v = x; } });
          var stages = stagesOf(party.value);
          var st = null;
          stages.forEach(function (x) { if (x.id === stage.value) { st = x; } });
          var n = { at: new Date().toISOString(), who: store.who || '', party: v.id, party_title: v.title, stage: st ? st.id : null, stage_title: st ? st.title : null, sent_at: new Date(when).toISOString(), channel: (drafts['notify-channel'] || '').trim(), reference: (drafts['notify-reference'] || '').trim(), note: (drafts['notify-note'] || '').trim() };
          state.notifications.push(n);
          log('notification', t('js_notification_logged', { party: n.party_title + (n.stage_title ? ' — ' + n.stage_title : '') }) + (n.reference ? ' (' + t('js_ref_no') + ' ' + n.reference + ')' : ''), n.note);
          // The step that carries out this duty is done with the (first) notification.
          if (!st || st.id === stages[0].id) {
            lastPlan.actions.forEach(function (a) {
              if (a.serves === v.id && !state.ticks[a.id]) { state.ticks[a.id] = when; log('done', a.title); }
            });
          }
          ['notify-sent', 'notify-channel', 'notify-reference', 'notify-note', 'notify-stage'].forEach(function (k) { drafts[k] = ''; });
          save();
          update();
        } }),
        message
      ]));
    }

    // ---------- drafts for the official channels ----------
    // What each form asks and the letter's parts are content
    // (records/forms/*.yaml); the page only fills in what the record knows.
    function formApplies(form, plan) {
      var yes = plan.verdicts.some(function (v) { return v.id === form['for'] && v.decision === 'yes'; });
      return yes && Object.keys(form.when || {}).every(function (q) {
        var a = state.answers[q];
        return Array.isArray(a) ? a.indexOf(form.when[q]) >= 0 : a === form.when[q] || (a === true && form.when[q] === 'yes') || (a === false && form.when[q] === 'no');
      });
    }

    function notificationLine(n) {
      return n.party_title + (n.stage_title ? ' — ' + n.stage_title : '') + ': ' + fmtTime(Date.parse(n.sent_at)) + (n.channel ? ', ' + n.channel : '') + (n.reference ? ', ' + t('js_ref_no') + ' ' + n.reference : '');
    }

    function fillPart(p, form, plan) {
      if (!p) { return ''; }
      if (p.text !== undefined) { return p.text; }
      if (p.ask !== undefined) { return '[' + p.ask + ']'; }
      if (p.register) { return state.register[p.register] || '[' + t('js_reg_' + p.register) + ']'; }
      if (p.answer) {
        var q = questionById(p.answer);
        var a = state.answers[p.answer];
        return a === undefined || a === 'unknown' ? '[' + (q ? q.text : p.answer) + ' — ' + t('js_not_yet_known') + ']' : answerLabel(q, a);
      }
      if (p.incident === 'discovered') { return state.discovered === null ? '[' + t('js_discovered') + ']' : fmtTime(state.discovered); }
      if (p.incident === 'name') { return state.name; }
      if (p.incident === 'reference') {
        var refs = state.notifications.filter(function (n) { return n.party === form['for'] && n.reference; });
        return refs.length ? t('js_ref_no') + ' ' + refs[refs.length - 1].reference : '';
      }
      if (p.incident === 'notifications') { return state.notifications.length ? state.notifications.map(notificationLine).join('\n') : '—'; }
      if (p.verdict) {
        var found = null;
        plan.verdicts.forEach(function (v) { if (v.id === p.verdict) { found = v; } });
        return found ? found.title + ': ' + (found.decision === 'yes' ? t('js_decision_yes') : t('js_decision_no')) + (found.explanation ? ' — ' + found.explanation : '') : '';
      }
      return '';
    }

    // The draft as (section title, [label or null, text]) — the page, print and text file share it.
    function draftSections(form, plan) {
      return form.sections.map(function (sec) {
        return { title: sec.title, fields: sec.fields.map(function (f) {
          return { label: f.label, text: f.fill.map(function (p) { return fillPart(p, form, plan); }).filter(Boolean).join('\n') };
        }) };
      });
    }

    function draftText(form, plan) {
      var out = [form.title, ''];
      draftSections(form, plan).forEach(function (sec) {
        out.push(sec.title.toUpperCase(), '');
        sec.fields.forEach(function (f) { if (f.label) { out.push(f.label + ':'); } out.push(f.text, ''); });
      });
      return out.join('\n');
    }

    function renderDrafts(plan) {
      var forms = (RECORD.forms || []).filter(function (f) { return formApplies(f, plan); });
      if (!forms.length) { return; }
      recordPane.appendChild(el('h3', { id: pid('drafts-title'), text: t('js_drafts') }));
      recordPane.appendChild(el('p', { class: 'muted', text: t('js_drafts_help') }));
      forms.forEach(function (form) {
        var article = el('article', { class: 'draft draft-' + form.kind, id: pid('draft-' + form.id), 'aria-labelledby': pid('draft-' + form.id + '-title') });
        article.appendChild(el('h4', { id: pid('draft-' + form.id + '-title'), text: form.title }));
        article.appendChild(el('p', { class: 'draft-intro', text: form.intro }));
        draftSections(form, plan).forEach(function (sec) {
          article.appendChild(el('h5', { text: sec.title }));
          if (form.kind === 'letter') {
            sec.fields.forEach(function (f) { article.appendChild(el('p', { class: 'draft-text', text: f.text })); });
            return;
          }
          var dl = el('dl', { class: 'draft-fields' });
          sec.fields.forEach(function (f) {
            dl.appendChild(el('dt', { text: f.label }));
            dl.appendChild(el('dd', { class: 'draft-text' + (/\[/.test(f.text) ? ' to-fill' : ''), text: f.text }));
          });
          article.appendChild(dl);
        });
        var links = [];
        (form.sources || []).forEach(function (src, i) { if (i) { links.push(' · '); } links.push(el('a', { href: link(src.url), rel: 'noopener noreferrer', text: src.title })); });
        if (links.length) { article.appendChild(el('p', { class: 'step-sources' }, links)); }
        var details = el('details', { class: 'draft-box', id: pid('draft-box-' + form.id) }, [el('summary', { text: form.title }), article,
          el('div', { class: 'toolbar' }, [
            el('button', { type: 'button', class: 'button', id: pid('draft-print-' + form.id), text: t('js_draft_print'), onclick: function () { printOnly(article); } }),
            el('button', { type: 'button', class: 'button', id: pid('draft-txt-' + form.id), text: t('js_draft_text'), onclick: function () { download(recordName(form.id, 'txt'), 'text/plain', draftText(form, lastPlan)); } })
          ])]);
        recordPane.appendChild(details);
      });
    }

    // ---------- the register entry (GDPR art. 33(5)) ----------
    var REGISTER_FIELDS = ['description', 'data', 'consequences', 'measures'];

    function latestDecision(inc) { return inc.decisions.length ? inc.decisions[inc.decisions.length - 1] : null; }

    // Steps done, from the timeline (a step undone later is left out).
    function stepsDone(inc) {
      var done = [];
      inc.timeline.forEach(function (e) {
        if (e.kind === 'done' && done.indexOf(e.text) < 0) { done.push(e.text); }
        if (e.kind === 'undone') { done = done.filter(function (x) { return x !== e.text; }); }
      });
      return done;
    }

    // The register entry as label/value rows: the page, Markdown and CSV share it.
    function registerRows(inc) {
      var last = latestDecision(inc);
      var notNotified = last ? last.verdicts.filter(function (v) { return v.decision === 'no'; }).map(function (v) { return v.title + ': ' + v.explanation; }) : [];
      return [
        ['discovered', t('js_discovered_at'), inc.discovered === null ? '—' : fmtTime(inc.discovered)],
        ['state', t('js_state'), t('js_state_' + incidentState(inc)) + (inc.closed !== null ? ' (' + fmtTime(inc.closed) + ')' : '')],
        ['description', t('js_reg_description'), inc.register.description],
        ['data', t('js_reg_data'), inc.register.data],
        ['consequences', t('js_reg_consequences'), inc.register.consequences],
        ['measures', t('js_reg_measures'), inc.register.measures],
        ['steps', t('js_reg_steps'), stepsDone(inc).join('\n')],
        ['decisions', t('js_decisions'), inc.decisions.map(function (d) {
          return fmtTime(Date.parse(d.at)) + (d.who ? ' (' + d.who + ')' : '') + ': ' + d.verdicts.map(function (v) { return v.title + ' — ' + (v.decision === 'yes' ? t('js_decision_yes') : t('js_decision_no')); }).join('; ') + (d.reason ? '. ' + t('js_decision_reason') + ': ' + d.reason : '');
        }).join('\n')],
        ['not_notified', t('js_reg_not_notified'), notNotified.join('\n')],
        ['notifications', t('js_notifications'), inc.notifications.map(function (n) {
          return n.party_title + (n.stage_title ? ' — ' + n.stage_title : '') + ': ' + fmtTime(Date.parse(n.sent_at)) + (n.channel ? ', ' + n.channel : '') + (n.reference ? ', ' + t('js_ref_no') + ' ' + n.reference : '');
        }).join('\n')]
      ];
    }

    function renderRegister() {
      recordPane.appendChild(el('h3', { id: pid('register-title'), text: t('js_register') }));
      recordPane.appendChild(el('p', { class: 'muted', text: t('js_register_help') }));
      var form = el('div', { class: 'record-form register-fields' });
      REGISTER_FIELDS.forEach(function (k) {
        var ta = el('textarea', { id: pid('reg-' + k), rows: '3' });
        ta.value = state.register[k];
        ta.addEventListener('change', function () {
          if (ta.value === state.register[k]) { return; }
          state.register[k] = ta.value;
          log('register', t('js_reg_updated', { field: t('js_reg_' + k) }));
          save();
          update();
        });
        form.appendChild(field('reg-' + k, t('js_reg_' + k), ta));
      });
      recordPane.appendChild(form);
      var entry = el('article', { class: 'register-entry', id: pid('register-entry'), 'aria-labelledby': pid('register-entry-title') });
      entry.appendChild(el('h3', { id: pid('register-entry-title'), text: t('js_register_entry') + ': ' + state.name }));
      entry.appendChild(el('p', { class: 'muted', text: DEF.title + ' · ' + t('js_printed_at') + ' ' + fmtTime(Date.now()) }));
      var dl = el('dl', { class: 'register-list' });
      registerRows(state).forEach(function (r) {
        dl.appendChild(el('dt', { text: r[1] }));
        var dd = el('dd', { 'data-field': r[0] });
        var lines = (r[2] || '').split('\n').filter(Boolean);
        if (!lines.length) { dd.appendChild(el('span', { class: 'muted', text: '—' })); }
        lines.forEach(function (line, i) { if (i) { dd.appendChild(el('br')); } dd.appendChild(document.createTextNode(line)); });
        dl.appendChild(dd);
      });
      entry.appendChild(dl);
      recordPane.appendChild(entry);
      recordPane.appendChild(el('div', { class: 'toolbar' }, [
        el('button', { type: 'button', class: 'button', id: pid('register-print'), text: t('js_register_print'), onclick: function () { printOnly(entry); } }),
        el('button', { type: 'button', class: 'button', id: pid('register-md'), text: t('js_export_md'), onclick: function () { download(recordName('register', 'md'), 'text/markdown', registerMarkdown(state)); } }),
        el('button', { type: 'button', class: 'button', id: pid('register-csv'), text: t('js_register_csv'), onclick: function () { download(recordName('register', 'csv'), 'text/csv', registerCsv([state])); } })
      ]));
    }

    // Prints one part of the page alone: a copy of it (without ids) stands
    // in for the page until the print dialog closes.
    function printOnly(part) {
      var copy = part.cloneNode(true);
      copy.removeAttribute('id');
      var withIds = copy.querySelectorAll('[id]');
      for (var i = 0; i < withIds.length; i++) { withIds[i].removeAttribute('id'); }
      var holder = el('div', { class: 'print-only' }, [copy]);
      document.body.appendChild(holder);
      document.documentElement.classList.add('print-part');
      function done() {
        document.documentElement.classList.remove('print-part');
        if (holder.parentNode) { holder.parentNode.removeChild(holder); }
        window.removeEventListener('afterprint', done);
      }
      window.addEventListener('afterprint', done);
      window.print();
    }

    function registerMarkdown(inc) {
      var out = ['# ' + t('js_register_entry') + ': ' + inc.name, ''];
      registerRows(inc).forEach(function (r) {
        out.push('## ' + r[1], '');
        var lines = (r[2] || '').split('\n').filter(Boolean);
        if (!lines.length) { out.push('—'); }
        lines.forEach(function (l) { out.push(lines.length > 1 ? '- ' + l : l); });
        out.push('');
      });
      return out.join('\n');
    }

    // RFC 4180, and a cell a spreadsheet would read as a formula starts with an apostrophe.
    function csvCell(v) {
      var s = String(v === null || v === undefined ? '' : v);
      if (/^[=+\-@\t\r]/.test(s)) { s = "'" + s; }
      return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
    }

    function registerCsv(list) {
      var head = ['id', 'name'].concat(registerRows(list[0]).map(function (r) { return r[0]; }));
      var rows = [head.join(',')];
      list.forEach(function (inc) {
        rows.push([inc.id, inc.name].concat(registerRows(inc).map(function (r) { return r[2]; })).map(csvCell).join(','));
      });
      return rows.join('\r\n') + '\r\n';
    }

    function recordName(what, ext) {
      var slug = (state.name || 'incident').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'incident';
      return what + '-' + slug + '-' + new Date(state.created).toISOString().slice(0, 10) + '.' + ext;
    }

    // ---------- the incident file ----------
    function saveFile() {
      var file = { format: FILE_FORMAT, version: FILE_VERSION, handbook: app.getAttribute('data-handbook'), assessment: app.getAttribute('data-assessment'), lang: lang, questionnaire_hash: DEF.hash, saved_at: new Date().toISOString(), incident: toFileIncident(state) };
      download(recordName('incident', 'json'), 'application/json', JSON.stringify(file, null, 2) + '\n');
    }

    // The file's problem in words, or the incident to open. Nothing on screen changes here.
    function readIncidentFile(text) {
      var data;
      try { data = JSON.parse(text); } catch (e) { return { problem: t('js_file_corrupt', { problem: t('js_file_not_json') }) }; }
      if (!data || typeof data !== 'object' || data.format !== FILE_FORMAT) { return { problem: t('js_file_not_incident') }; }
      if (typeof data.version !== 'number' || data.version % 1 !== 0 || data.version < 1) { return { problem: t('js_file_corrupt', { problem: '`version`' }) }; }
      if (data.version > FILE_VERSION) { return { problem: t('js_file_newer', { version: data.version, max: FILE_VERSION }) }; }
      if (data.handbook !== app.getAttribute('data-handbook')) { return { problem: t('js_file_other_handbook', { theirs: String(data.handbook), ours: app.getAttribute('data-handbook') }) }; }
      if (data.assessment !== app.getAttribute('data-assessment')) { return { problem: t('js_file_other_assessment', { theirs: String(data.assessment) }) }; }
      var p = incidentProblem(data.incident);
      if (p) { return { problem: t('js_file_corrupt', { problem: p }) }; }
      var errors = [];
      try { errors = JSON.parse(engine.check_answers(JSON.stringify(data.incident.answers))); } catch (e) { errors = [{ message: String(e) }]; }
      if (errors.length) { return { problem: t('js_file_answers', { problem: errors.map(function (e) { return e.message; }).join('; ') }) }; }
      return { incident: fromFileIncident(data.incident) };
    }

    function openFile(file, message) {
      if (file.size > 5 * 1024 * 1024) { message.textContent = t('js_file_corrupt', { problem: t('js_file_too_big') }); return; }
      var reader = new FileReader();
      reader.onload = function () {
        var r = readIncidentFile(String(reader.result));
        if (r.problem) { message.textContent = r.problem; message.className = 'notice file-message problem'; return; }
        var inc = r.incident;
        var same = null;
        store.incidents.forEach(function (x) { if (x.id === inc.id) { same = x; } });
        if (same && !window.confirm(t('js_file_replace', { name: same.name }))) { return; }
        // An incident nothing was recorded in yet makes way for the one opened.
        var untouched = state.discovered === null && !Object.keys(state.answers).length && !state.timeline.length ? state : null;
        store.incidents = store.incidents.filter(function (x) { return x !== same && x !== untouched; });
        store.incidents.push(inc);
        state = inc;
        log('opened', t('js_file_opened_log', { name: file.name }));
        switchTo(inc);
        var m = document.getElementById(pid('file-message'));
        if (m) { m.textContent = t('js_file_opened', { name: inc.name }); m.className = 'notice file-message ok'; }
      };
      reader.onerror = function () { message.textContent = t('js_file_corrupt', { problem: t('js_file_unreadable') }); };
      reader.readAsText(file);
    }

    function renderFile() {
      recordPane.appendChild(el('h3', { id: pid('file-title'), text: t('js_file') }));
      recordPane.appendChild(el('p', { class: 'muted', text: t('js_file_help') }));
      var message = el('p', { class: 'file-message', id: pid('file-message'), role: 'alert' });
      var input = el('input', { type: 'file', id: pid('file-open'), accept: '.json,application/json' });
      input.addEventListener('change', function () {
        if (input.files && input.files[0]) { openFile(input.files[0], message); }
        input.value = '';
      });
      recordPane.appendChild(el('div', { class: 'toolbar file-toolbar' }, [
        el('button', { type: 'button', class: 'button', id: pid('file-save'), text: t('js_file_save'), onclick: saveFile }),
        el('label', { for: pid('file-open'), class: 'file-open-label', text: t('js_file_open') }), input
      ]));
      recordPane.appendChild(message);
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
      var ups = DEF.kind === 'triage' ? followUps(state) : [];
      if (ups.length) {
        out.push('## ' + t('js_follow_ups'), '');
        ups.forEach(function (u) {
          out.push('- [' + (state.ticks[u.key] ? 'x' : ' ') + '] **' + u.f.title + '** — ' + t('js_deadline') + ' ' + (u.due === null ? t('js_no_fixed_deadline') : fmtTime(u.due)) + ' — ' + u.n.party_title + (u.n.reference ? ' (' + t('js_ref_no') + ' ' + u.n.reference + ')' : ''));
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
        if (state.ticks[a.id] || state.skipped[a.id]) { return; }
        event(key + '-action-' + a.id, a.due_ms, a.title, (a.text || '') + '\n' + t('js_owner') + ': ' + a.owner.name + (a.owner.phone ? ' ' + a.owner.phone : ''));
      });
      followUps(state).forEach(function (u) {
        if (u.due === null || state.ticks[u.key]) { return; }
        event(key + '-' + u.key, u.due, u.f.title, u.f.text + (u.n.reference ? '\n' + t('js_ref_no') + ': ' + u.n.reference : ''));
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
        pickCurrent();
        build();
        update();
        window.setInterval(tick, 30000);
        app.setAttribute('data-ready', 'true');
      }).catch(function (e) { fail(String(e && e.message ? e.message : e)); });
    }

    // Shown again: another copy (the other language) may have changed the saved answers.
    function refresh() {
      if (!engine) { return; }
      store = { incidents: [], current: null, mode: store.mode, index: 0, who: store.who };
      notice = null;
      load();
      pickCurrent();
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
