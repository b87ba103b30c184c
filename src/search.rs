//! Offline search: the text of each rendered page, its words and stems, and
//! the per-language index that `assets/<lang>/search-index.js` ships to the
//! browser (a classic script, so it loads from `file://` with no `fetch`).
//!
//! The browser does not stem. Instead the index lists, for every stem, the
//! word forms that produced it; the script looks a typed word up among those
//! forms (or, for a form the handbook never uses, the longest stem it starts
//! with). So the words a reader types are matched by exactly the stemmer the
//! index was built with, and no stemmer is duplicated in JavaScript.
//!
//! Index format (`var IRBOOK_SEARCH = {...}`):
//! - `docs`: `[url relative to the language root, title, group index, text]`,
//!   where text is the start of the page's plain text, for snippets;
//! - `groups`: labels of what a page belongs to (a phase, "Playbook", a section);
//! - `terms`: stem → `[forms, postings]`. `forms` joins with `|` the folded word
//!   forms, each written as the suffix after the stem, or whole after `>` when
//!   it does not start with the stem. `postings` is one string: per page the
//!   gap to the previous page number (omitted when 1) then the weight as a
//!   letter, `a` = 1 … `z` = 26;
//! - `stop`: words that are not indexed, so the script drops them from queries.

use rust_stemmers::{Algorithm, Stemmer};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

/// FNV-1a: word tables are hashed once per word of every page, and the
/// standard SipHash (built against untrusted keys) was a third of the indexing
/// time. The words come from the handbook's own content.
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        for &b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

type WordMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;

/// How much plain text of each page the index keeps for snippets. Measured on
/// the 1 000-page corpus, text is most of the index: this is a size/quality trade.
pub const SNIPPET_CHARS: usize = 600;

/// One page as the search sees it: made in the parallel render loop, merged
/// into an index per language afterwards.
#[derive(Debug, Clone, Default)]
pub struct PageText {
    /// Output path relative to the language root, e.g. `phases/detect.html`.
    pub url: String,
    pub title: String,
    /// What the page belongs to, e.g. "Playbook" or a section's title.
    pub group: String,
    /// The start of the page's text, for snippets (at most [`SNIPPET_CHARS`]).
    pub snippet: String,
    /// Distinct lowercase words, joined by spaces (one allocation per page).
    words: String,
    /// Per word in `words`: occurrences in the body, and whether it is in the title.
    counts: Vec<(u32, bool)>,
    /// Number of words on the page (title included).
    len: u32,
}

impl PageText {
    /// Reads a rendered page: the text of its `<main>` without the `<h1>` title
    /// (given separately) and without navigation, counted word by word.
    pub fn from_html(url: &str, title: &str, group: &str, html: &str, lang: &str) -> PageText {
        let text = main_text(html);
        PageText::from_text(url, title, group, &text, lang)
    }

    /// Like [`PageText::from_html`], from plain text.
    pub fn from_text(url: &str, title: &str, group: &str, text: &str, lang: &str) -> PageText {
        let stop = stop_words(lang);
        // Per distinct lowercase word: its place in `counts`, or `None` when it is not indexed.
        let mut index: WordMap<String, Option<usize>> = WordMap::default();
        let mut words = String::new();
        let mut counts: Vec<(u32, bool)> = Vec::new();
        let mut len = 0u32;
        let mut lower = String::new();
        for (source, in_title) in [(title, true), (text, false)] {
            for w in tokens(source) {
                len += 1;
                lower.clear();
                if w.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()) {
                    lower.push_str(w);
                } else {
                    lower.extend(w.chars().flat_map(char::to_lowercase));
                }
                let slot = match index.get(lower.as_str()) {
                    Some(slot) => *slot,
                    None => {
                        let slot = indexable(&lower, stop).then(|| {
                            if !words.is_empty() {
                                words.push(' ');
                            }
                            words.push_str(&lower);
                            counts.push((0, false));
                            counts.len() - 1
                        });
                        index.insert(lower.clone(), slot);
                        slot
                    }
                };
                let Some(i) = slot else { continue };
                if in_title {
                    counts[i].1 = true;
                } else {
                    counts[i].0 += 1;
                }
            }
        }
        PageText {
            url: url.to_string(),
            title: title.to_string(),
            group: group.to_string(),
            snippet: truncate_words(text, SNIPPET_CHARS),
            words,
            counts,
            len,
        }
    }
}

/// The words of a text: runs of letters and digits (Unicode), as written.
pub fn tokens(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty())
}

/// Folds the accents of Latin letters away (`é` → `e`, `ë` → `e`), so that a
/// reader who types without them still finds the word. The search script
/// folds the same range the same way (Unicode canonical decomposition).
pub fn fold(word: &str) -> String {
    static TABLE: OnceLock<Vec<char>> = OnceLock::new();
    // U+00C0..U+017F, each letter's base where its decomposition starts with one.
    let table = TABLE.get_or_init(|| {
        "AAAAAAÆCEEEEIIIIÐNOOOOO×ØUUUUYÞßaaaaaaæceeeeiiiiðnooooo÷øuuuuyþyAaAaAaCcCcCcCcDdĐđEeEeEeEeEeGgGgGgGgHhĦħIiIiIiIiIıĲĳJjKkĸLlLlLlĿŀŁłNnNnNnŉŊŋOoOoOoŒœRrRrRrSsSsSsSsTtTtŦŧUuUuUuUuUuUuWwYyYZzZzZzſ"
            .chars()
            .collect()
    });
    word.chars()
        .map(|c| match c as usize {
            n @ 0xC0..=0x17F => table[n - 0xC0],
            _ => c,
        })
        .collect()
}

/// The stemmer for a language code; `None` where Snowball has no algorithm.
pub fn stemmer(lang: &str) -> Option<Stemmer> {
    let algorithm = match lang.split(['-', '_']).next().unwrap_or(lang) {
        "nl" => Algorithm::Dutch,
        "en" => Algorithm::English,
        "fr" => Algorithm::French,
        "de" => Algorithm::German,
        "da" => Algorithm::Danish,
        "es" => Algorithm::Spanish,
        "it" => Algorithm::Italian,
        "pt" => Algorithm::Portuguese,
        "sv" => Algorithm::Swedish,
        "no" | "nb" | "nn" => Algorithm::Norwegian,
        "fi" => Algorithm::Finnish,
        "hu" => Algorithm::Hungarian,
        "ro" => Algorithm::Romanian,
        "ru" => Algorithm::Russian,
        "tr" => Algorithm::Turkish,
        "el" => Algorithm::Greek,
        "ar" => Algorithm::Arabic,
        _ => return None,
    };
    Some(Stemmer::create(algorithm))
}

/// The index key of a lowercase word: its stem (words with digits are kept
/// whole), folded.
pub fn stem_key(stemmer: Option<&Stemmer>, lower: &str) -> String {
    match stemmer {
        Some(s) if !lower.chars().any(|c| c.is_numeric()) => fold(&s.stem(lower)),
        _ => fold(lower),
    }
}

/// Very frequent words that would make the index large and find everything.
/// Folded, lowercase. The script drops them from queries too.
pub fn stop_words(lang: &str) -> &'static [&'static str] {
    match lang.split(['-', '_']).next().unwrap_or(lang) {
        "nl" => &[
            "aan", "al", "als", "bij", "dan", "dat", "de", "der", "des", "die", "dit", "door", "een", "en", "er",
            "het", "hij", "in", "is", "je", "met", "na", "naar", "of", "om", "ook", "op", "over", "te", "tot", "uit",
            "van", "voor", "wat", "ze", "zijn", "zo",
        ],
        "en" => &[
            "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "for", "from", "has", "have", "in", "into",
            "is", "it", "its", "of", "on", "or", "that", "the", "their", "then", "there", "these", "this", "to", "was",
            "were", "which", "with",
        ],
        "fr" => &[
            "au", "aux", "avec", "ce", "ces", "dans", "de", "des", "du", "elle", "en", "est", "et", "il", "la", "le",
            "les", "leur", "mais", "ou", "par", "pas", "pour", "qu", "que", "qui", "sa", "se", "ses", "son", "sont",
            "sur", "un", "une",
        ],
        _ => &[],
    }
}

fn indexable(lower: &str, stop: &[&str]) -> bool {
    let mut chars = lower.chars();
    // One letter or digit alone finds nothing useful.
    if chars.next().is_none() || chars.next().is_none() {
        return false;
    }
    !stop.contains(&fold(lower).as_str())
}

/// The start of `text`, at most `max` bytes, cut at a word boundary.
fn truncate_words(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let cut = text[..end].rfind(' ').unwrap_or(end);
    format!("{}…", text[..cut].trim_end().trim_end_matches(['.', ',', ';', ':']))
}

/// The plain text of a page's `<main>` element: tags removed, entities
/// decoded, white space collapsed. The `<h1>` (the title, indexed on its own),
/// navigation (tables of contents, pagers), scripts, `<noscript>` notices and
/// repeated labels are left out.
pub fn main_text(html: &str) -> String {
    let body = match html.find("<main") {
        Some(start) => {
            let open_end = html[start..].find('>').map_or(html.len(), |i| start + i + 1);
            let end = html.rfind("</main>").filter(|&e| e >= open_end).unwrap_or(html.len());
            &html[open_end..end]
        }
        None => html,
    };
    const SKIP: &[&str] = &["h1", "nav", "script", "style", "noscript", "template", "svg", "button"];
    const INLINE: &[&str] = &[
        "a", "abbr", "b", "cite", "code", "del", "em", "i", "ins", "kbd", "mark", "q", "s", "small", "span", "strong",
        "sub", "sup", "time", "u",
    ];
    let mut out = String::with_capacity(body.len() / 2);
    let mut rest = body;
    // Name of the element being skipped and how deeply it nests in itself.
    let mut skipping: Option<(String, usize)> = None;
    while let Some(lt) = rest.find('<') {
        if skipping.is_none() {
            push_text(&mut out, &rest[..lt]);
        }
        let after = &rest[lt + 1..];
        let gt = after.find('>').unwrap_or(after.len());
        let tag = &after[..gt];
        rest = after.get(gt + 1..).unwrap_or("");
        if tag.starts_with('!') || tag.starts_with('?') {
            continue;
        }
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        let self_closing = tag.ends_with('/');
        match &mut skipping {
            Some((skip, depth)) if *skip == name => {
                if closing {
                    *depth -= 1;
                    if *depth == 0 {
                        skipping = None;
                    }
                } else if !self_closing {
                    *depth += 1;
                }
            }
            Some(_) => {}
            None => {
                if !closing && !self_closing && (SKIP.contains(&name.as_str()) || has_skip_class(tag)) {
                    skipping = Some((name, 1));
                } else if !INLINE.contains(&name.as_str()) && !out.ends_with(' ') && !out.is_empty() {
                    out.push(' ');
                }
            }
        }
    }
    if skipping.is_none() {
        push_text(&mut out, rest);
    }
    out.trim_end().to_string()
}

/// Labels that every page of a kind repeats (the "Phase 2" above a title, the
/// playbook's track legend): they are shown as the result's group instead.
fn has_skip_class(tag: &str) -> bool {
    const SKIP_CLASSES: &[&str] = &["eyebrow", "legend"];
    let Some(i) = tag.find("class=\"") else { return false };
    let value = &tag[i + 7..];
    let value = &value[..value.find('"').unwrap_or(value.len())];
    value.split_whitespace().any(|c| SKIP_CLASSES.contains(&c))
}

/// Appends text from between tags, entities decoded and white space collapsed.
fn push_text(out: &mut String, raw: &str) {
    let mut rest = raw;
    while !rest.is_empty() {
        // Copy a run of ordinary characters at once.
        let run = rest.find(|c: char| c == '&' || c.is_whitespace()).unwrap_or(rest.len());
        out.push_str(&rest[..run]);
        rest = &rest[run..];
        let Some(c) = rest.chars().next() else { break };
        if c != '&' {
            if !out.is_empty() && !out.ends_with(' ') {
                out.push(' ');
            }
            rest = &rest[c.len_utf8()..];
            continue;
        }
        let end = rest.find(';').filter(|&e| e <= 10);
        match end.and_then(|e| decode_entity(&rest[1..e]).map(|c| (e, c))) {
            Some((e, c)) => {
                if c.is_whitespace() {
                    if !out.ends_with(' ') {
                        out.push(' ');
                    }
                } else {
                    out.push(c);
                }
                rest = &rest[e + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
}

fn decode_entity(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        _ => {
            let num = name.strip_prefix('#')?;
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => num.parse().ok()?,
            };
            char::from_u32(code)?
        }
    })
}

/// A built index: the script's text and how it came out.
pub struct Index {
    pub js: String,
    pub docs: usize,
    pub terms: usize,
}

#[derive(Serialize)]
struct IndexJson<'a> {
    lang: &'a str,
    stop: &'a [&'a str],
    groups: Vec<&'a str>,
    docs: Vec<(&'a str, &'a str, usize, &'a str)>,
    terms: BTreeMap<String, (String, String)>,
}

#[derive(Default)]
struct TermData {
    forms: BTreeSet<String>,
    /// The postings already encoded (see [`push_posting`]): at 10 000 pages a
    /// list of (page, weight) pairs was millions of entries held to the end.
    postings: String,
    /// The page of the last posting, for the gap encoding.
    last_doc: Option<usize>,
}

/// BM25's saturation and length normalisation, the usual values.
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// How much a page's use of a word counts, 1..=26: a BM25 term-frequency
/// score (more uses count, with diminishing returns; long pages count each
/// use less) scaled to 1..16, plus 10 when the word is in the title. The
/// script multiplies it by the word's rarity (inverse document frequency).
pub fn weight(tf: u32, in_title: bool, len: u32, avg_len: f64) -> u8 {
    let body = if tf == 0 {
        0.0
    } else {
        let tf = f64::from(tf);
        let norm = K1 * (1.0 - B + B * f64::from(len) / avg_len.max(1.0));
        let score = tf * (K1 + 1.0) / (tf + norm) / (K1 + 1.0);
        1.0 + (score * 15.0).round()
    };
    let title = if in_title { 10.0 } else { 0.0 };
    (body + title).clamp(1.0, 26.0) as u8
}

/// Merges the pages of one language into its index script. Output depends only
/// on the pages and their order, so identical input gives identical bytes.
pub fn build_index(lang: &str, pages: &[PageText]) -> Index {
    let stemmer = stemmer(lang);
    let avg_len = pages.iter().map(|p| f64::from(p.len)).sum::<f64>() / pages.len().max(1) as f64;
    // Each distinct word is stemmed once for the whole language.
    let mut word_terms: WordMap<&str, usize> = WordMap::default();
    let mut term_ids: WordMap<String, usize> = WordMap::default();
    let mut terms: Vec<(String, TermData)> = Vec::new();
    let mut groups: Vec<&str> = Vec::new();
    let mut docs = Vec::with_capacity(pages.len());
    let mut per_term: Vec<(usize, u32, bool)> = Vec::new();
    for (doc, page) in pages.iter().enumerate() {
        let group = match groups.iter().position(|g| *g == page.group) {
            Some(i) => i,
            None => {
                groups.push(&page.group);
                groups.len() - 1
            }
        };
        docs.push((page.url.as_str(), page.title.as_str(), group, page.snippet.as_str()));
        // Words of one stem on this page add up.
        per_term.clear();
        for (word, &(tf, in_title)) in page.words.split(' ').zip(&page.counts) {
            let id = *word_terms.entry(word).or_insert_with(|| {
                let key = stem_key(stemmer.as_ref(), word);
                let id = *term_ids.entry(key.clone()).or_insert_with(|| {
                    terms.push((key, TermData::default()));
                    terms.len() - 1
                });
                terms[id].1.forms.insert(fold(word));
                id
            });
            per_term.push((id, tf, in_title));
        }
        per_term.sort_unstable_by_key(|t| t.0);
        let mut i = 0;
        while i < per_term.len() {
            let (id, mut tf, mut in_title) = per_term[i];
            i += 1;
            while i < per_term.len() && per_term[i].0 == id {
                tf += per_term[i].1;
                in_title |= per_term[i].2;
                i += 1;
            }
            let t = &mut terms[id].1;
            push_posting(&mut t.postings, &mut t.last_doc, doc, weight(tf, in_title, page.len, avg_len));
        }
    }
    let term_count = terms.len();
    let terms: BTreeMap<String, (String, String)> = terms
        .into_iter()
        .map(|(stem, t)| {
            let forms = encode_forms(&stem, &t.forms);
            (stem, (forms, t.postings))
        })
        .collect();
    let json = IndexJson { lang, stop: stop_words(lang), groups, docs, terms };
    let body = serde_json::to_string(&json).unwrap_or_else(|_| "{}".into());
    let js = format!(
        "/* irbook search index ({lang}): {} pages, {term_count} terms. Generated; do not edit. */\nvar IRBOOK_SEARCH = {body};\n",
        pages.len()
    );
    Index { js, docs: pages.len(), terms: term_count }
}

fn encode_forms(stem: &str, forms: &BTreeSet<String>) -> String {
    let parts: Vec<String> = forms
        .iter()
        .map(|f| match f.strip_prefix(stem) {
            Some(suffix) => suffix.to_string(),
            None => format!(">{f}"),
        })
        .collect();
    parts.join("|")
}

/// Appends one page to a term's postings: the gap to the previous page
/// (left out when 1), then the weight as a letter, `a` = 1 … `z` = 26.
fn push_posting(out: &mut String, prev: &mut Option<usize>, doc: usize, w: u8) {
    let gap = match *prev {
        Some(p) => doc - p,
        None => doc + 1,
    };
    if gap != 1 {
        use std::fmt::Write as _;
        let _ = write!(out, "{gap}");
    }
    out.push(char::from(b'a' + w.clamp(1, 26) - 1));
    *prev = Some(doc);
}

#[cfg(test)]
fn encode_postings(postings: &[(usize, u8)]) -> String {
    let mut out = String::new();
    let mut prev = None;
    for &(doc, w) in postings {
        push_posting(&mut out, &mut prev, doc, w);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_postings(s: &str) -> Vec<(usize, u8)> {
        let mut out = Vec::new();
        let mut prev: Option<usize> = None;
        let mut digits = String::new();
        for c in s.chars() {
            if c.is_ascii_digit() {
                digits.push(c);
            } else {
                let gap: usize = if digits.is_empty() { 1 } else { digits.parse().unwrap() };
                digits.clear();
                let doc = match prev {
                    Some(p) => p + gap,
                    None => gap - 1,
                };
                out.push((doc, c as u8 - b'a' + 1));
                prev = Some(doc);
            }
        }
        out
    }

    /// The index's JSON object, parsed back.
    fn parse(index: &Index) -> serde_json::Value {
        let body = index.js.split_once("var IRBOOK_SEARCH = ").unwrap().1.trim_end().trim_end_matches(';');
        serde_json::from_str(body).unwrap()
    }

    #[test]
    fn tokens_are_unicode_words() {
        let t: Vec<&str> =
            tokens("Meld het datalek (binnen 72 uur) bij de AP — e-mail: privacy@voorbeeld.nl; l'équipe").collect();
        assert_eq!(
            t,
            [
                "Meld",
                "het",
                "datalek",
                "binnen",
                "72",
                "uur",
                "bij",
                "de",
                "AP",
                "e",
                "mail",
                "privacy",
                "voorbeeld",
                "nl",
                "l",
                "équipe"
            ]
        );
    }

    #[test]
    fn folding_drops_accents_of_latin_letters_only() {
        assert_eq!(fold("équipe"), "equipe");
        assert_eq!(fold("ideeën"), "ideeen");
        assert_eq!(fold("façade"), "facade");
        assert_eq!(fold("œuvre"), "œuvre");
        assert_eq!(fold("straße"), "straße");
        assert_eq!(fold("δ"), "δ");
    }

    #[test]
    fn dutch_english_and_french_inflections_share_a_stem() {
        let nl = stemmer("nl");
        assert_eq!(stem_key(nl.as_ref(), "meldingen"), stem_key(nl.as_ref(), "melding"));
        assert_eq!(stem_key(nl.as_ref(), "datalekken"), stem_key(nl.as_ref(), "datalek"));
        let en = stemmer("en");
        assert_eq!(stem_key(en.as_ref(), "notifications"), stem_key(en.as_ref(), "notification"));
        assert_eq!(stem_key(en.as_ref(), "reporting"), stem_key(en.as_ref(), "reported"));
        let fr = stemmer("fr");
        assert_eq!(stem_key(fr.as_ref(), "données"), stem_key(fr.as_ref(), "donnée"));
        // Stems are folded after stemming, so the French stemmer still sees the accents.
        assert_eq!(stem_key(fr.as_ref(), "sécurités"), stem_key(fr.as_ref(), "sécurité"));
        assert!(!stem_key(fr.as_ref(), "sécurité").contains('é'));
        // No stemmer for the language: words are kept whole; numbers always are.
        assert!(stemmer("xx").is_none());
        assert_eq!(stem_key(None, "meldingen"), "meldingen");
        assert_eq!(stem_key(en.as_ref(), "72h"), "72h");
    }

    #[test]
    fn main_text_skips_title_navigation_and_scripts() {
        let html = "<html><head><title>x</title></head><body><nav>menu</nav><main id=\"main\" tabindex=\"-1\">\
            <p class=\"eyebrow\">Phase 1</p><h1>Title</h1><nav class=\"toc\"><ul><li><a href=\"#a\">Toc entry</a></li></ul></nav>\
            <p>Call the <strong>incident</strong> lead&nbsp;now &amp; write it down.</p><noscript>Needs JS</noscript>\
            <ul><li>One</li><li>Two</li></ul><p>Caf&#233; &#x27;ok&#39; &unknown;</p></main><footer>foot</footer></body></html>";
        assert_eq!(main_text(html), "Call the incident lead now & write it down. One Two Café 'ok' &unknown;");
    }

    #[test]
    fn pages_count_words_once_per_form_and_skip_stop_words() {
        let p = PageText::from_text("a.html", "Melding doen", "Fase 1", "De melding en de meldingen. Melding!", "nl");
        let words: Vec<&str> = p.words.split(' ').collect();
        assert_eq!(words, ["melding", "doen", "meldingen"]);
        assert_eq!(p.counts, [(2, true), (0, true), (1, false)]);
        assert_eq!(p.len, 8);
    }

    #[test]
    fn snippets_are_cut_at_a_word() {
        let long = "woord ".repeat(200);
        let p = PageText::from_text("a.html", "T", "", &long, "nl");
        assert!(p.snippet.len() <= SNIPPET_CHARS + '…'.len_utf8());
        assert!(p.snippet.ends_with("woord…"));
    }

    #[test]
    fn weights_favour_titles_repetition_and_short_pages() {
        let avg = 100.0;
        assert!(weight(1, true, 100, avg) > weight(3, false, 100, avg), "a title match beats a few uses in the text");
        assert!(weight(3, false, 100, avg) > weight(1, false, 100, avg), "more uses count more");
        assert!(weight(3, false, 50, avg) > weight(3, false, 400, avg), "the same uses count more on a short page");
        assert!(weight(1000, true, 1, avg) <= 26 && weight(0, false, 100, avg) >= 1);
    }

    #[test]
    fn index_maps_forms_to_stems_and_stems_to_weighted_pages() {
        let pages = vec![
            PageText::from_text("a.html", "Meldingen", "Fase 2", "Wanneer doe je een melding bij de AP?", "nl"),
            PageText::from_text("b.html", "Iets anders", "Fase 2", "Hier staat niets over.", "nl"),
            PageText::from_text("c.html", "Contact", "", "Privé: één melding, twee meldingen.", "nl"),
        ];
        let index = build_index("nl", &pages);
        assert!(index.js.starts_with("/* irbook search index (nl): 3 pages"));
        let v = parse(&index);
        assert_eq!(v["groups"], serde_json::json!(["Fase 2", ""]));
        assert_eq!(v["docs"][2], serde_json::json!(["c.html", "Contact", 1, "Privé: één melding, twee meldingen."]));
        let melding = &v["terms"]["melding"];
        assert_eq!(melding[0], "|en", "both forms are listed after the stem");
        let postings = decode_postings(melding[1].as_str().unwrap());
        assert_eq!(postings.iter().map(|p| p.0).collect::<Vec<_>>(), [0, 2]);
        assert!(postings[0].1 > postings[1].1, "the page with the word in its title ranks first");
        // Accents are folded in keys and forms.
        let terms = v["terms"].as_object().unwrap();
        assert!(terms.keys().all(|k| !k.contains('é')));
        assert!(terms.iter().any(|(k, t)| t[0].as_str().unwrap().split('|').any(|f| format!("{k}{f}") == "prive")));
        // Stop words are not indexed and are shipped for the script.
        assert!(v["terms"].get("de").is_none());
        assert!(v["stop"].as_array().unwrap().contains(&serde_json::json!("de")));
    }

    #[test]
    fn forms_that_do_not_extend_their_stem_are_written_whole() {
        let mut forms = BTreeSet::new();
        forms.insert("happy".to_string());
        forms.insert("happiness".to_string());
        assert_eq!(encode_forms("happi", &forms), "ness|>happy");
    }

    #[test]
    fn postings_round_trip_with_gaps() {
        let p = vec![(0, 1), (1, 26), (5, 3), (120, 10)];
        let s = encode_postings(&p);
        assert_eq!(s, "az4c115j");
        assert_eq!(decode_postings(&s), p);
    }

    #[test]
    fn same_pages_give_the_same_bytes() {
        let pages: Vec<PageText> = (0..20)
            .map(|i| {
                PageText::from_text(
                    &format!("p{i}.html"),
                    &format!("Titel {i}"),
                    "",
                    "melding datalek herstel back-up",
                    "nl",
                )
            })
            .collect();
        assert_eq!(build_index("nl", &pages).js, build_index("nl", &pages).js);
    }
}
