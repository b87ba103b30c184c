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
//! Index format (`(window.IRBOOK_SEARCH = window.IRBOOK_SEARCH || {})["nl"] = {...}`,
//! one entry per language, so the single file can hold them all):
//! - `docs`: `[url relative to the language root, title, group index, text]`,
//!   where text is the start of the page's plain text, for snippets;
//! - `groups`: labels of what a page belongs to (a phase, "Playbook", a section);
//! - `terms`: stem → `[forms, postings]`. `forms` joins with `|` the folded word
//!   forms, each written as the suffix after the stem, or whole after `>` when
//!   it does not start with the stem. `postings` is one string: per page the
//!   gap to the previous page number (omitted when 1) then the weight as a
//!   letter, `a` = 1 … `z` = 26;
//! - `stop`: words that are not indexed, so the script drops them from queries.

use rayon::prelude::*;
use rust_stemmers::{Algorithm, Stemmer};
use std::collections::HashMap;
use std::io::Write as _;
use std::sync::OnceLock;

/// Word tables are hashed once per word of every page: the standard SipHash
/// (built against untrusted keys) was a third of the indexing time, and
/// foldhash takes 8 bytes a step where FNV took one. The words come from the
/// handbook's own content; the maps are never iterated, so the hash does not
/// reach the output.
type WordMap<K, V> = HashMap<K, V, foldhash::fast::FixedState>;

/// How much plain text of each page the index keeps for snippets. Measured on
/// the 1 000-page corpus, text is most of the index: this is a size/quality trade.
pub const SNIPPET_CHARS: usize = 600;

/// Where a page goes in the index. `doc` numbers the pages of one language
/// 0, 1, 2, … in the order the index lists them; the renderer hands them out
/// before rendering, so pages can be collected in any order on any thread.
#[derive(Debug, Clone, Copy)]
pub struct PageRef<'a> {
    pub doc: u32,
    /// Output path relative to the language root, e.g. `phases/detect.html`.
    pub url: &'a str,
    pub title: &'a str,
    /// What the page belongs to, e.g. "Playbook" or a section's title.
    pub group: &'a str,
    /// Other words readers use for the page's subject (comma-separated);
    /// they count as much as the title's.
    pub keywords: &'a str,
    /// Whether the page ranks above others that match as well (playbooks: what
    /// a reader in an incident most likely looks for).
    pub boost: bool,
}

/// The search data of one language, collected page by page. Each render
/// thread fills its own; [`Collector::merge`] joins them and
/// [`Collector::finish`] writes the index. Pages are stemmed as they come in,
/// so nothing of a page is kept but its postings and its snippet: at 10 000
/// pages, holding every page's words until a single-threaded merge cost
/// about 90 MiB and a second.
pub struct Collector {
    lang: String,
    stemmer: Option<Stemmer>,
    stop: &'static [&'static str],
    /// Lowercase word → its term, or `None` when it is not indexed. Each
    /// distinct word is stemmed once per collector.
    words: WordMap<String, Option<u32>>,
    /// Stem → its place in `terms`.
    term_ids: WordMap<String, u32>,
    terms: Vec<Term>,
    docs: Vec<Doc>,
    /// Per term on the page being added: (term, uses in the text, in the title).
    scratch: Vec<(u32, u32, bool)>,
    /// Per term: the page (counted by `pages_added`) it was last seen on and its
    /// place in `scratch` there, so uses add up without sorting the page's words.
    marks: Vec<(u32, u32)>,
    pages_added: u32,
}

struct Term {
    stem: String,
    /// Folded word forms that stem to it; few per stem, so a list.
    forms: Vec<String>,
    postings: Postings,
}

/// One page's use of a term. Weights need the average page length, known
/// only when every page is in, so the counts are kept until [`Collector::finish`].
#[derive(Debug, Clone, Copy, PartialEq)]
struct Posting {
    doc: u32,
    uses: u32,
    in_title: bool,
}

/// A term's postings as they come in, packed: per page the change in page
/// number from the previous posting (zigzag, since threads add pages in any
/// order) and then uses × 2 + in-title, both as variable-length integers.
/// About 3 bytes a posting, where a list of [`Posting`]s took 12 plus growth.
#[derive(Debug, Default)]
struct Postings {
    bytes: Vec<u8>,
    last: u32,
}

impl Postings {
    fn push(&mut self, p: Posting) {
        self.push_change(i64::from(p.doc) - i64::from(self.last));
        put_varint(&mut self.bytes, u64::from(p.uses) << 1 | u64::from(p.in_title));
        self.last = p.doc;
    }

    fn push_change(&mut self, change: i64) {
        put_varint(&mut self.bytes, ((change << 1) ^ (change >> 63)) as u64);
    }

    /// Appends another list: only its first change, which counts from page 0, is rewritten.
    fn append(&mut self, other: Postings) {
        let Some((first, n)) = get_varint(&other.bytes) else { return };
        let first = (first >> 1) as i64 ^ -((first & 1) as i64);
        self.push_change(first - i64::from(self.last));
        self.bytes.extend_from_slice(&other.bytes[n..]);
        self.last = other.last;
    }

    fn decode(&self) -> Vec<Posting> {
        let mut out = Vec::new();
        let (mut rest, mut doc) = (&self.bytes[..], 0i64);
        while let Some((change, n)) = get_varint(rest) {
            let Some((packed, m)) = get_varint(&rest[n..]) else { break };
            doc += (change >> 1) as i64 ^ -((change & 1) as i64);
            out.push(Posting { doc: doc as u32, uses: (packed >> 1) as u32, in_title: packed & 1 == 1 });
            rest = &rest[n + m..];
        }
        out
    }
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// A variable-length integer and the bytes it took; `None` at the end.
fn get_varint(bytes: &[u8]) -> Option<(u64, usize)> {
    let mut v = 0u64;
    for (i, &b) in bytes.iter().enumerate().take(10) {
        v |= u64::from(b & 0x7f) << (7 * i);
        if b < 0x80 {
            return Some((v, i + 1));
        }
    }
    None
}

/// One page's words for the index, counted by [`Collector::count`]: per
/// stem, its forms on the page and how the page uses it. The stems and forms
/// are one string (words never hold a space) to keep a page's words in two
/// allocations: serve holds them for every page.
#[derive(Debug)]
pub struct PageWords {
    /// Per term, `stem form form …`, one after the other.
    text: String,
    terms: Vec<CountedTerm>,
    /// Words on the page, title included (as [`Doc::len`]).
    len: u32,
    snippet: String,
}

#[derive(Debug)]
struct CountedTerm {
    /// Where the term's stem and forms end in [`PageWords::text`].
    end: u32,
    uses: u32,
    in_title: bool,
}

struct Doc {
    doc: u32,
    url: String,
    title: String,
    group: String,
    /// The start of the page's text (at most [`SNIPPET_CHARS`]).
    snippet: String,
    /// Words on the page, title included.
    len: u32,
    boost: bool,
}

impl Collector {
    pub fn new(lang: &str) -> Collector {
        Collector {
            lang: lang.to_string(),
            stemmer: stemmer(lang),
            stop: stop_words(lang),
            words: WordMap::default(),
            term_ids: WordMap::default(),
            terms: Vec::new(),
            docs: Vec::new(),
            scratch: Vec::new(),
            marks: Vec::new(),
            pages_added: 0,
        }
    }

    /// Adds a page from its text: for a rendered page, [`main_text`] of it
    /// (the title is given separately in `page`).
    pub fn add_text(&mut self, page: PageRef, text: &str) {
        self.scratch.clear();
        self.pages_added += 1;
        let mark = self.pages_added;
        let len = each_word(&page, text, |lower, in_title| {
            let term = match self.words.get(lower) {
                Some(t) => *t,
                None => {
                    let t = indexable(lower, self.stop).then(|| self.term_of(lower));
                    self.words.insert(lower.to_string(), t);
                    t
                }
            };
            let Some(t) = term else { return };
            // Uses of one term on this page (through any of its forms) add up.
            if self.marks.len() <= t as usize {
                self.marks.resize(self.terms.len(), (0, 0));
            }
            let (seen, slot) = &mut self.marks[t as usize];
            if *seen != mark {
                *seen = mark;
                *slot = self.scratch.len() as u32;
                self.scratch.push((t, 0, false));
            }
            let entry = &mut self.scratch[*slot as usize];
            if in_title {
                entry.2 = true;
            } else {
                entry.1 += 1;
            }
        });
        for &(term, uses, in_title) in &self.scratch {
            self.terms[term as usize].postings.push(Posting { doc: page.doc, uses, in_title });
        }
        self.docs.push(Doc {
            doc: page.doc,
            url: page.url.to_string(),
            title: page.title.to_string(),
            group: page.group.to_string(),
            snippet: truncate_words(text, SNIPPET_CHARS),
            len,
            boost: page.boost,
        });
    }

    /// A page's words, counted and stemmed, as [`Collector::add_text`] would
    /// add them; [`Collector::add_counted`] adds them to a collection. Under
    /// serve these are kept per page, so a rebuild indexes unchanged pages
    /// without reading their text again. Uses only the language's stemmer
    /// and stop words, so the result does not depend on what was added before.
    pub fn count(&self, page: &PageRef, text: &str) -> PageWords {
        let mut seen: WordMap<String, (u32, bool)> = WordMap::default();
        let len = each_word(page, text, |lower, in_title| {
            let entry = match seen.get_mut(lower) {
                Some(e) => e,
                None => seen.entry(lower.to_string()).or_default(),
            };
            if in_title {
                entry.1 = true;
            } else {
                entry.0 += 1;
            }
        });
        // Per stem: the page's forms of it and their uses, summed.
        let mut terms: std::collections::BTreeMap<String, (Vec<String>, u32, bool)> = Default::default();
        for (lower, (uses, in_title)) in seen {
            if !indexable(&lower, self.stop) {
                continue;
            }
            let term = terms.entry(stem_key(self.stemmer.as_ref(), &lower)).or_default();
            let form = fold(&lower);
            if !term.0.contains(&form) {
                term.0.push(form);
            }
            term.1 += uses;
            term.2 |= in_title;
        }
        let mut words = PageWords {
            text: String::new(),
            terms: Vec::with_capacity(terms.len()),
            len,
            snippet: truncate_words(text, SNIPPET_CHARS),
        };
        for (stem, (mut forms, uses, in_title)) in terms {
            forms.sort_unstable();
            words.text.push_str(&stem);
            for f in forms {
                words.text.push(' ');
                words.text.push_str(&f);
            }
            words.terms.push(CountedTerm { end: words.text.len() as u32, uses, in_title });
        }
        words
    }

    /// Adds a page from its counted words ([`Collector::count`]); the index
    /// comes out as if its text had been given to [`Collector::add_text`].
    pub fn add_counted(&mut self, page: PageRef, words: &PageWords) {
        let mut start = 0usize;
        for t in &words.terms {
            let end = t.end as usize;
            let mut parts = words.text[start..end].split(' ');
            start = end;
            let stem = parts.next().unwrap_or_default();
            let id = match self.term_ids.get(stem) {
                Some(id) => *id as usize,
                None => {
                    let id = self.terms.len();
                    self.terms.push(Term { stem: stem.to_string(), forms: Vec::new(), postings: Postings::default() });
                    self.term_ids.insert(stem.to_string(), id as u32);
                    id
                }
            };
            let term = &mut self.terms[id];
            for form in parts {
                if !term.forms.iter().any(|f| f == form) {
                    term.forms.push(form.to_string());
                }
            }
            term.postings.push(Posting { doc: page.doc, uses: t.uses, in_title: t.in_title });
        }
        self.docs.push(Doc {
            doc: page.doc,
            url: page.url.to_string(),
            title: page.title.to_string(),
            group: page.group.to_string(),
            snippet: words.snippet.clone(),
            len: words.len,
            boost: page.boost,
        });
    }

    /// The term a new word belongs to, made when its stem is new.
    fn term_of(&mut self, lower: &str) -> u32 {
        let key = stem_key(self.stemmer.as_ref(), lower);
        let id = match self.term_ids.get(key.as_str()) {
            Some(id) => *id,
            None => {
                let id = self.terms.len() as u32;
                self.terms.push(Term { stem: key.clone(), forms: Vec::new(), postings: Postings::default() });
                self.term_ids.insert(key, id);
                id
            }
        };
        let form = fold(lower);
        let forms = &mut self.terms[id as usize].forms;
        if !forms.contains(&form) {
            forms.push(form);
        }
        id
    }

    /// Joins two collections of the same language. Pages keep their numbers,
    /// so the order of merging does not change the index.
    pub fn merge(self, other: Collector) -> Collector {
        let (mut into, from) = if self.docs.len() >= other.docs.len() { (self, other) } else { (other, self) };
        for term in from.terms {
            match into.term_ids.get(term.stem.as_str()) {
                Some(&id) => {
                    let t = &mut into.terms[id as usize];
                    for f in term.forms {
                        if !t.forms.contains(&f) {
                            t.forms.push(f);
                        }
                    }
                    t.postings.append(term.postings);
                }
                None => {
                    into.term_ids.insert(term.stem.clone(), into.terms.len() as u32);
                    into.terms.push(term);
                }
            }
        }
        // Words the other side cached are stemmed again if they come up; its
        // terms are all present now.
        into.docs.extend(from.docs);
        into
    }

    /// The index script. Output depends only on the pages and their numbers,
    /// so identical input gives identical bytes whatever the threads did.
    pub fn finish(self) -> Index {
        let Collector { lang, mut docs, terms, words, term_ids, .. } = self;
        // The word caches are not needed for writing: freed on another
        // thread while this one writes (at 10 000 pages, tens of milliseconds).
        crate::site::drop_later((words, term_ids));
        docs.sort_by_key(|d| d.doc);
        // Postings refer to pages by their place in `docs`: the caller's numbers, compacted.
        let mut position = vec![0usize; docs.last().map_or(0, |d| d.doc as usize + 1)];
        for (i, d) in docs.iter().enumerate() {
            position[d.doc as usize] = i;
        }
        let lens: Vec<u32> = docs.iter().map(|d| d.len).collect();
        let boosted: Vec<bool> = docs.iter().map(|d| d.boost).collect();
        let avg_len = lens.iter().map(|&l| f64::from(l)).sum::<f64>() / lens.len().max(1) as f64;
        let mut groups: Vec<&str> = Vec::new();
        let mut group_index: HashMap<&str, usize> = HashMap::new();
        let mut doc_rows = Vec::with_capacity(docs.len());
        for d in &docs {
            let group = *group_index.entry(&d.group).or_insert_with(|| {
                groups.push(&d.group);
                groups.len() - 1
            });
            doc_rows.push((d.url.as_str(), d.title.as_str(), group, d.snippet.as_str()));
        }
        let mut terms = terms;
        terms.sort_unstable_by(|a, b| a.stem.cmp(&b.stem));
        for t in &mut terms {
            t.forms.sort_unstable();
        }
        // Room for the whole script up front: at 10 000 pages the index is
        // 10 MB, and growing it by doubling plus a copy held three times that.
        let estimate = terms.iter().map(|t| 2 * t.stem.len() + t.postings.bytes.len() + 16).sum::<usize>()
            + docs.iter().map(|d| d.url.len() + d.title.len() + d.snippet.len() + 24).sum::<usize>();
        let mut out = Vec::with_capacity(estimate + estimate / 16 + 1024);
        let term_count = terms.len();
        let _ = write!(
            out,
            "/* irbook search index ({lang}): {} pages, {term_count} terms. Generated; do not edit. */\n(window.IRBOOK_SEARCH = window.IRBOOK_SEARCH || {{}})[{}] = ",
            docs.len(),
            serde_json::to_string(&lang).unwrap_or_default()
        );
        // The JSON object written field by field, so that the terms, most of
        // the work, can be encoded in parallel pieces.
        let stop = stop_words(&lang);
        let fields: [(&str, &dyn erased::Json); 4] =
            [("lang", &lang.as_str()), ("stop", &stop), ("groups", &groups), ("docs", &doc_rows)];
        out.push(b'{');
        for (name, value) in fields {
            let _ = write!(out, "\"{name}\":");
            value.write(&mut out);
            out.push(b',');
        }
        out.extend_from_slice(b"\"terms\":{");
        let piece = (terms.len() / (rayon::current_num_threads() * 4)).max(512);
        let pieces: Vec<Vec<u8>> = terms
            .par_chunks(piece)
            .map(|ts| {
                let mut buf = Vec::new();
                let mut encoded = String::new();
                for t in ts {
                    if !buf.is_empty() {
                        buf.push(b',');
                    }
                    encode_term(t, &position, (&lens, &boosted), avg_len, &mut encoded);
                    let _ = serde_json::to_writer(&mut buf, &t.stem);
                    buf.push(b':');
                    let _ = serde_json::to_writer(&mut buf, &(encode_forms(&t.stem, &t.forms), &encoded));
                }
                buf
            })
            .collect();
        for (i, p) in pieces.into_iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(&p);
        }
        out.extend_from_slice(b"}}");
        out.extend_from_slice(b";\n");
        // `<` only occurs inside JSON strings, where `\u003c` means the same; so the
        // script can also stand inline in HTML (the single file) without ending early.
        let js = String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
        // As the questionnaire scripts do (`str::replace` finds an ASCII char with memchr).
        let js = if js.contains('<') { js.replace('<', "\\u003c") } else { js };
        let doc_count = docs.len();
        drop((doc_rows, groups, group_index));
        crate::site::drop_later((terms, docs));
        Index { js, docs: doc_count, terms: term_count }
    }
}

/// Calls `each` with every word of a page, lowercase, and whether it counts
/// as a title word (the title and the keywords); returns the page's length
/// in words. Keywords are not part of the length: they are not text a reader sees.
fn each_word(page: &PageRef, text: &str, mut each: impl FnMut(&str, bool)) -> u32 {
    let mut buf = String::new();
    let mut len = 0u32;
    for (source, in_title, counted) in [(page.title, true, true), (page.keywords, true, false), (text, false, true)] {
        for (w, plain) in Words::new(source) {
            len += u32::from(counted);
            // Most words are lowercase ASCII already: looked up as they are.
            let lower: &str = if plain {
                w
            } else {
                buf.clear();
                if w.is_ascii() {
                    buf.push_str(w);
                    buf.make_ascii_lowercase();
                } else {
                    buf.extend(w.chars().flat_map(char::to_lowercase));
                }
                &buf
            };
            each(lower, in_title);
        }
    }
    len
}

/// The words of a text: runs of letters and digits (Unicode), as written.
pub fn tokens(text: &str) -> impl Iterator<Item = &str> {
    Words::new(text).map(|(w, _)| w)
}

/// The words of a text (see [`tokens`]), each with whether it is lowercase
/// ASCII letters and digits only, so already in its index form. It reads a
/// byte at a time and decodes a char only at a non-ASCII byte: most text is
/// ASCII, and splitting on a char predicate decoded and classified every char.
struct Words<'a> {
    text: &'a str,
    at: usize,
}

/// Per byte of UTF-8: [`SEPARATOR`] for ASCII other than letters and digits,
/// [`PLAIN`] for lowercase letters and digits, [`CAPITAL`], or [`NON_ASCII`].
static CLASS: [u8; 256] = {
    let mut t = [NON_ASCII; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = if c.is_ascii_lowercase() || c.is_ascii_digit() {
            PLAIN
        } else if c.is_ascii_uppercase() {
            CAPITAL
        } else {
            SEPARATOR
        };
        b += 1;
    }
    t
};
const SEPARATOR: u8 = 0;
const PLAIN: u8 = 1;
const CAPITAL: u8 = 2;
const NON_ASCII: u8 = 4;

impl<'a> Words<'a> {
    fn new(text: &'a str) -> Self {
        Words { text, at: 0 }
    }

    /// The class of the char at `i` (a char boundary), a non-ASCII one as
    /// [`NON_ASCII`] or [`SEPARATOR`], and its length.
    fn class(&self, i: usize) -> (u8, usize) {
        match CLASS[usize::from(self.text.as_bytes()[i])] {
            NON_ASCII => {
                let c = self.text[i..].chars().next().unwrap_or_default();
                (if c.is_alphanumeric() { NON_ASCII } else { SEPARATOR }, c.len_utf8())
            }
            // For ASCII, `char::is_alphanumeric` is being a letter or digit.
            class => (class, 1),
        }
    }
}

impl<'a> Iterator for Words<'a> {
    type Item = (&'a str, bool);

    fn next(&mut self) -> Option<(&'a str, bool)> {
        let len = self.text.len();
        let mut i = self.at;
        let (start, mut seen) = loop {
            if i >= len {
                self.at = len;
                return None;
            }
            match self.class(i) {
                (SEPARATOR, n) => i += n,
                (class, n) => {
                    let start = i;
                    i += n;
                    break (start, class);
                }
            }
        };
        let b = self.text.as_bytes();
        loop {
            // The ASCII letters and digits of the word, then a non-ASCII char
            // that may continue it.
            while i < len && CLASS[usize::from(b[i])] & (PLAIN | CAPITAL) != 0 {
                seen |= CLASS[usize::from(b[i])];
                i += 1;
            }
            match (i < len).then(|| self.class(i)) {
                Some((NON_ASCII, n)) => {
                    seen |= NON_ASCII;
                    i += n;
                }
                _ => break,
            }
        }
        self.at = i;
        Some((&self.text[start..i], seen == PLAIN))
    }
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
    // Not `format!`, which took longer than the rest of indexing the page's words.
    let kept = text[..cut].trim_end().trim_end_matches(['.', ',', ';', ':']);
    let mut out = String::with_capacity(kept.len() + '…'.len_utf8());
    out.push_str(kept);
    out.push('…');
    out
}

/// The plain text of a page's `<main>` element: tags removed, entities
/// decoded, white space collapsed. The `<h1>` (the title, indexed on its own),
/// navigation (tables of contents, pagers), scripts, `<noscript>` notices and
/// repeated labels are left out.
pub fn main_text(html: &str) -> String {
    let mut text = MainText::default();
    for tok in crate::web::html::Tokens::new(html) {
        text.token(html, &tok);
    }
    text.finish(html)
}

/// [`main_text`] collected token by token, from a pass over the page that
/// another reader makes anyway (the page rules, `web::policy`).
#[derive(Default)]
pub struct MainText {
    out: String,
    /// Name of the element being skipped and how deeply it nests in itself.
    skipping: Option<(String, usize)>,
    /// The first `<main>` was seen; what comes before it is not read.
    in_main: bool,
    /// Length of the text at the last `</main>`, where it ends.
    end: Option<usize>,
}

impl MainText {
    pub fn token(&mut self, html: &str, tok: &crate::web::html::Token) {
        use crate::web::html::Kind;
        if !self.in_main {
            self.in_main = matches!(&tok.kind, Kind::Start(tag) if tag.name == "main");
            return;
        }
        if matches!(&tok.kind, Kind::End(name) if name == "main") {
            self.end = Some(self.out.len());
        }
        self.read(html, tok);
    }

    /// The text; `html` is the page the tokens came from, read whole if it
    /// has no `<main>`.
    pub fn finish(mut self, html: &str) -> String {
        if !self.in_main {
            self.in_main = true;
            for tok in crate::web::html::Tokens::new(html) {
                self.read(html, &tok);
            }
        }
        if let Some(end) = self.end {
            self.out.truncate(end);
        }
        self.out.truncate(self.out.trim_end().len());
        self.out
    }

    fn read(&mut self, html: &str, tok: &crate::web::html::Token) {
        use crate::web::html::{Kind, VOID};
        const SKIP: &[&str] = &["h1", "nav", "script", "style", "noscript", "template", "svg", "button"];
        // Labels that every page of a kind repeats (the "Phase 2" above a title,
        // the playbook's track legend): they are shown as the result's group instead.
        const SKIP_CLASSES: &[&str] = &["eyebrow", "legend"];
        let out = &mut self.out;
        match (&tok.kind, &mut self.skipping) {
            (Kind::Text, None) => push_text(out, &html[tok.start..tok.end]),
            (Kind::Start(tag), Some((skip, depth))) if tag.name == *skip && !tag.self_closing => *depth += 1,
            (Kind::End(name), Some((skip, depth))) if name == skip => {
                *depth -= 1;
                if *depth == 0 {
                    self.skipping = None;
                }
            }
            (Kind::Start(tag), None) => {
                let skip = SKIP.contains(&tag.name.as_ref()) || SKIP_CLASSES.iter().any(|c| tag.has_class(c));
                if skip && !tag.self_closing && !VOID.contains(&tag.name.as_ref()) {
                    self.skipping = Some((tag.name.to_string(), 1));
                } else {
                    boundary(out, &tag.name);
                }
            }
            (Kind::End(name), None) => boundary(out, name),
            _ => {}
        }
    }
}

/// A space between the text of two block elements; inline ones run on.
fn boundary(out: &mut String, name: &str) {
    // A `match`, not a list: it runs for every tag.
    let inline = matches!(
        name,
        "a" | "abbr"
            | "b"
            | "cite"
            | "code"
            | "del"
            | "em"
            | "i"
            | "ins"
            | "kbd"
            | "mark"
            | "q"
            | "s"
            | "small"
            | "span"
            | "strong"
            | "sub"
            | "sup"
            | "time"
            | "u"
    );
    if !inline && !out.ends_with(' ') && !out.is_empty() {
        out.push(' ');
    }
}

/// Appends text from between tags, entities decoded and white space collapsed.
fn push_text(out: &mut String, raw: &str) {
    let mut rest = raw;
    while !rest.is_empty() {
        // Copy a run of ordinary characters at once.
        let run = special_char(rest);
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
        match end.and_then(|e| crate::web::html::reference(&rest[1..e]).map(|c| (e, c))) {
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

/// Where the first `&` or white space (Unicode) of `s` is, or its length. The
/// same as a `find` with a char predicate, but it decodes a char only at a
/// non-ASCII byte.
fn special_char(s: &str) -> usize {
    // Per byte: `&`, ASCII white space (for ASCII, `char::is_whitespace` is
    // U+0009..U+000D and the space), or a byte of a non-ASCII char.
    static STOP: [bool; 256] = {
        let mut t = [false; 256];
        let mut b = 0;
        while b < 256 {
            t[b] = b >= 0x80 || matches!(b as u8, b'&' | b' ' | b'\t'..=b'\r');
            b += 1;
        }
        t
    };
    let b = s.as_bytes();
    let mut i = 0;
    loop {
        while i < b.len() && !STOP[usize::from(b[i])] {
            i += 1;
        }
        if i == b.len() || b[i].is_ascii() {
            return i;
        }
        let c = s[i..].chars().next().unwrap_or_default();
        if c.is_whitespace() {
            return i;
        }
        i += c.len_utf8();
    }
}

/// A built index: the script's text and how it came out.
pub struct Index {
    pub js: String,
    pub docs: usize,
    pub terms: usize,
}

/// A term's postings in the index's form (see [`push_posting`]), into `out`.
fn encode_term(t: &Term, position: &[usize], (lens, boosted): (&[u32], &[bool]), avg_len: f64, out: &mut String) {
    let mut postings = t.postings.decode();
    // The postings are sorted runs, one per merged collector, in whatever
    // order the threads finished: a stable sort merges runs, where an
    // unstable one sorts them again (a page has one posting per term, so
    // both give the same order).
    postings.sort_by_key(|p| p.doc);
    out.clear();
    let mut last = None;
    for p in &postings {
        let i = position[p.doc as usize];
        let w = weight(p.uses, p.in_title, lens[i], avg_len);
        push_posting(out, &mut last, i, if boosted[i] { w.saturating_add(BOOST).min(26) } else { w });
    }
}

/// Serializable values behind one type, for writing the index field by field.
mod erased {
    pub trait Json {
        fn write(&self, out: &mut Vec<u8>);
    }

    impl<T: serde::Serialize> Json for T {
        fn write(&self, out: &mut Vec<u8>) {
            if serde_json::to_writer(&mut *out, self).is_err() {
                out.extend_from_slice(b"null");
            }
        }
    }
}

/// What a boosted page adds to each of its words' weight: enough to pass a
/// page that uses the word a little more, not one that has it in its title.
const BOOST: u8 = 4;

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

fn encode_forms(stem: &str, forms: &[String]) -> String {
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
        let body = index.js.split_once("] = ").unwrap().1.trim_end().trim_end_matches(';');
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

    /// Letters, digits and spaces of other scripts, and ASCII around them.
    const MIXED: &str =
        "([a-zA-Z0-9]|[ .,;:&'<>\t\n\u{b}\u{c}\r\u{1c}-]|[éÉßİΔδ中٣५²ǅ]|[\u{a0}\u{2003}\u{85}\u{3000}]|😀)*";

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        /// The byte-wise word splitter gives what a split on `char::is_alphanumeric`
        /// gives, and says which words are lowercase ASCII already.
        #[test]
        fn words_are_a_split_on_alphanumeric_chars(s in proptest::string::string_regex(MIXED).unwrap()) {
            let expected: Vec<&str> = s.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
            let words: Vec<(&str, bool)> = Words::new(&s).collect();
            proptest::prop_assert_eq!(words.iter().map(|w| w.0).collect::<Vec<_>>(), expected.clone());
            for (w, plain) in words {
                proptest::prop_assert_eq!(plain, w.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
            }
            proptest::prop_assert_eq!(tokens(&s).collect::<Vec<_>>(), expected);
        }

        #[test]
        fn words_of_any_text(s in "\\PC{0,60}") {
            let expected: Vec<&str> = s.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
            proptest::prop_assert_eq!(tokens(&s).collect::<Vec<_>>(), expected);
        }

        /// The byte-wise scan of `push_text` stops where a `find` on chars does.
        #[test]
        fn special_chars_are_found_as_by_chars(s in proptest::string::string_regex(MIXED).unwrap()) {
            let expected = s.find(|c: char| c == '&' || c.is_whitespace()).unwrap_or(s.len());
            proptest::prop_assert_eq!(special_char(&s), expected);
        }
    }

    /// Words that share stems, forms that fold together, stop words, digits
    /// and one-letter words, for pages made of them.
    const VOCABULARY: &[&str] = &[
        "melding",
        "meldingen",
        "Melding",
        "MELDEN",
        "datalek",
        "datalekken",
        "Privé",
        "privé",
        "prive",
        "e-mail",
        "72",
        "uur",
        "de",
        "het",
        "the",
        "résumé",
        "resume",
        "Résumés",
        "a",
        "B",
        "notify",
        "notified",
        "Notifying",
        "ÉQUIPE",
        "équipes",
        "中文",
        "x2",
        "İstanbul",
    ];

    fn words_of(picks: &[usize]) -> String {
        picks.iter().map(|&i| VOCABULARY[i % VOCABULARY.len()]).collect::<Vec<_>>().join(" ")
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

        /// Counted words (what serve keeps per page) give the index that the
        /// text gives, byte for byte, alone or mixed with pages added as text.
        #[test]
        fn counted_words_index_as_the_text_does(
            lang in proptest::sample::select(vec!["en", "nl", "fr", "xx"]),
            pages in proptest::collection::vec(
                (proptest::collection::vec(0usize..64, 0..4), proptest::collection::vec(0usize..64, 0..3),
                 proptest::collection::vec(0usize..64, 0..40), proptest::bool::ANY),
                1..8,
            ),
        ) {
            let pages: Vec<(String, String, String, bool)> =
                pages.iter().map(|(t, k, b, counted)| (words_of(t), words_of(k), words_of(b), *counted)).collect();
            fn refs(i: usize, (title, keywords, _, _): &(String, String, String, bool)) -> PageRef<'_> {
                PageRef { doc: i as u32, url: "p.html", title, group: "g", keywords, boost: i.is_multiple_of(2) }
            }
            let mut as_text = Collector::new(lang);
            let mut mixed = Collector::new(lang);
            for (i, p) in pages.iter().enumerate() {
                as_text.add_text(refs(i, p), &p.2);
                if p.3 {
                    let words = mixed.count(&refs(i, p), &p.2);
                    mixed.add_counted(refs(i, p), &words);
                } else {
                    mixed.add_text(refs(i, p), &p.2);
                }
            }
            proptest::prop_assert_eq!(as_text.finish().js, mixed.finish().js);
        }
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
        // Without <main>, the whole page; the text runs to the last </main>.
        assert_eq!(main_text("<body><h1>T</h1><p>All of it</p><footer>foot</footer></body>"), "All of it foot");
        assert_eq!(main_text("<p>menu</p><main><p>a</p></main><p>b</p></main><footer>f</footer>"), "a b");
        // The same text when another reader drives the pass (the page rules).
        let policy = crate::web::policy::Policy { csp: "x", allow_html: false };
        let mut text = MainText::default();
        crate::web::policy::check_page_with(html, &policy, |tok| text.token(html, tok));
        assert_eq!(text.finish(html), main_text(html));
    }

    fn page<'a>(doc: u32, url: &'a str, title: &'a str, group: &'a str) -> PageRef<'a> {
        PageRef { doc, url, title, group, keywords: "", boost: false }
    }

    /// Collects pages given as (url, title, group, text), numbered in order.
    fn collect(lang: &str, pages: &[(&str, &str, &str, &str)]) -> Collector {
        let mut c = Collector::new(lang);
        for (i, (url, title, group, text)) in pages.iter().enumerate() {
            c.add_text(page(i as u32, url, title, group), text);
        }
        c
    }

    #[test]
    fn pages_count_uses_per_stem_and_skip_stop_words() {
        let c = collect("nl", &[("a.html", "Melding doen", "Fase 1", "De melding en de meldingen. Melding!")]);
        let nl = stemmer("nl");
        let stems: Vec<&str> = c.terms.iter().map(|t| t.stem.as_str()).collect();
        assert_eq!(stems, [stem_key(nl.as_ref(), "melding"), stem_key(nl.as_ref(), "doen")]);
        let melding = &c.terms[0];
        assert_eq!(melding.forms, ["melding", "meldingen"]);
        assert_eq!(melding.postings.decode(), [Posting { doc: 0, uses: 3, in_title: true }]);
        assert_eq!(c.terms[1].postings.decode(), [Posting { doc: 0, uses: 0, in_title: true }]);
        assert_eq!(c.docs[0].len, 8);
    }

    #[test]
    fn snippets_are_cut_at_a_word() {
        let long = "woord ".repeat(200);
        let c = collect("nl", &[("a.html", "T", "", &long)]);
        let snippet = &c.docs[0].snippet;
        assert!(snippet.len() <= SNIPPET_CHARS + '…'.len_utf8());
        assert!(snippet.ends_with("woord…"));
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
        let index = collect(
            "nl",
            &[
                ("a.html", "Meldingen", "Fase 2", "Wanneer doe je een melding bij de AP?"),
                ("b.html", "Iets anders", "Fase 2", "Hier staat niets over."),
                ("c.html", "Contact", "", "Privé: één melding, twee meldingen."),
            ],
        )
        .finish();
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

    /// Issue 15: "losgeld" opened the remediation phase, which uses the word
    /// often, before the ransomware playbook, which says "ransomware".
    #[test]
    fn keywords_count_as_title_words_and_playbooks_are_boosted() {
        let mut c = Collector::new("nl");
        let text = "Betaal geen losgeld. Losgeld betalen helpt niet; over losgeld beslist de directie.";
        c.add_text(page(0, "phases/herstel.html", "Herstel", "Fase 3"), text);
        c.add_text(
            PageRef {
                keywords: "losgeld, gijzelsoftware",
                boost: true,
                ..page(1, "playbooks/ransomware.html", "Ransomware", "Draaiboek")
            },
            "Versleutelde bestanden en een bericht van de aanvallers.",
        );
        c.add_text(
            PageRef { boost: true, ..page(2, "playbooks/phishing.html", "Phishing", "Draaiboek") },
            "Een nepmail.",
        );
        let v = parse(&c.finish());
        let postings = decode_postings(v["terms"]["losgeld"][1].as_str().unwrap());
        assert_eq!(postings.iter().map(|p| p.0).collect::<Vec<_>>(), [0, 1]);
        assert!(postings[1].1 > postings[0].1, "the keyword page ranks first: {postings:?}");
        // Keywords are not shown: the snippet is the page's text.
        assert_eq!(v["docs"][1][3], "Versleutelde bestanden en een bericht van de aanvallers.");
        // The boost lifts a playbook over a page that matches as well.
        let mail = decode_postings(v["terms"]["nepmail"][1].as_str().unwrap());
        assert_eq!(mail[0].1, weight(1, false, 3, (13 + 9 + 3) as f64 / 3.0) + BOOST);
    }

    #[test]
    fn forms_that_do_not_extend_their_stem_are_written_whole() {
        let forms = ["happiness".to_string(), "happy".to_string()];
        assert_eq!(encode_forms("happi", &forms), "ness|>happy");
    }

    #[test]
    fn packed_postings_keep_any_order_and_append() {
        let p = |doc, uses, in_title| Posting { doc, uses, in_title };
        let (a, b) =
            (vec![p(5, 3, false), p(2, 0, true), p(900_000, 70_000, true)], vec![p(1, 1, false), p(40, 2, true)]);
        let mut left = Postings::default();
        a.iter().for_each(|&x| left.push(x));
        let mut right = Postings::default();
        b.iter().for_each(|&x| right.push(x));
        assert_eq!(left.decode(), a);
        left.append(right);
        assert_eq!(left.decode(), [a, b].concat());
        left.append(Postings::default());
        assert_eq!(left.decode().len(), 5);
    }

    #[test]
    fn postings_round_trip_with_gaps() {
        let p = vec![(0, 1), (1, 26), (5, 3), (120, 10)];
        let s = encode_postings(&p);
        assert_eq!(s, "az4c115j");
        assert_eq!(decode_postings(&s), p);
    }

    #[test]
    fn any_split_and_merge_order_gives_the_same_bytes() {
        let texts: Vec<(String, String)> = (0..40)
            .map(|i| (format!("p{i}.html"), format!("Titel {i} {}", ["melding", "datalek", "herstel"][i % 3])))
            .collect();
        let body = |i: usize| ["melding datalek", "herstel back-up meldingen", "Privé gegevens", ""][i % 4];
        let one_piece = {
            let mut c = Collector::new("nl");
            for (i, (url, title)) in texts.iter().enumerate() {
                c.add_text(page(i as u32, url, title, ""), body(i));
            }
            c.finish().js
        };
        // Three pieces, filled out of order and merged in another order.
        let mut pieces = [Collector::new("nl"), Collector::new("nl"), Collector::new("nl")];
        for (i, (url, title)) in texts.iter().enumerate().rev() {
            pieces[(i * 7) % 3].add_text(page(i as u32, url, title, ""), body(i));
        }
        let [a, b, c] = pieces;
        let merged = c.merge(a).merge(b).finish().js;
        assert_eq!(one_piece, merged);
        assert!(one_piece.contains("40 pages"));
    }

    #[test]
    fn the_index_can_stand_inline_in_html() {
        let index = collect("en", &[("a.html", "Tags", "", "Never write </script> or <!-- in a page")]).finish();
        assert!(!index.js.contains('<'), "{}", index.js);
        assert!(index.js.contains("(window.IRBOOK_SEARCH = window.IRBOOK_SEARCH || {})[\"en\"] = {"));
        assert_eq!(parse(&index)["docs"][0][3], "Never write </script> or <!-- in a page");
    }

    #[test]
    fn page_numbers_with_gaps_are_compacted() {
        let mut c = Collector::new("en");
        c.add_text(page(7, "b.html", "Second", ""), "ransomware");
        c.add_text(page(3, "a.html", "First", ""), "ransomware");
        let v = parse(&c.finish());
        assert_eq!(v["docs"][0][0], "a.html");
        let key = stem_key(stemmer("en").as_ref(), "ransomware");
        assert_eq!(
            decode_postings(v["terms"][&key][1].as_str().unwrap()).iter().map(|p| p.0).collect::<Vec<_>>(),
            [0, 1]
        );
    }
}
