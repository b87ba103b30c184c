//! The one HTML reader of the site: a tokenizer for the pages irbook renders
//! itself (and for template overrides and static pages it checks), character
//! references, and escaping. Start tags come with their attributes; the
//! contents of `<script>`, `<style>`, `<title>` and `<textarea>` are text.
//!
//! It never slices a `str` except at the ASCII bytes it looks for, so any
//! input is safe; `tests` and the `html_tokens` fuzz target hold it to that.

use std::borrow::Cow;
use std::ops::{Deref, Range};

#[derive(Clone, Copy)]
pub struct Attr<'a> {
    pub name: &'a str,
    /// As written, entities not decoded; `None` for `<input checked>`.
    pub value: Option<&'a str>,
}

/// A tag's attributes, used as a slice. The first is kept in the tag itself:
/// most tags have at most one, and a `Vec` cost an allocation for each tag of
/// every page. (Room for one more made tokens too big to copy cheaply.)
pub struct Attrs<'a>(Store<'a>);

enum Store<'a> {
    One(Option<Attr<'a>>),
    Many(Vec<Attr<'a>>),
}

impl<'a> Attrs<'a> {
    fn new() -> Self {
        Attrs(Store::One(None))
    }

    fn push(&mut self, a: Attr<'a>) {
        match &mut self.0 {
            Store::One(slot @ None) => *slot = Some(a),
            Store::One(Some(first)) => {
                let mut all = Vec::with_capacity(4);
                all.extend([*first, a]);
                self.0 = Store::Many(all);
            }
            Store::Many(all) => all.push(a),
        }
    }
}

impl<'a> Deref for Attrs<'a> {
    type Target = [Attr<'a>];

    fn deref(&self) -> &[Attr<'a>] {
        match &self.0 {
            Store::One(a) => a.as_slice(),
            Store::Many(all) => all,
        }
    }
}

impl<'b, 'a> IntoIterator for &'b Attrs<'a> {
    type Item = &'b Attr<'a>;
    type IntoIter = std::slice::Iter<'b, Attr<'a>>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

pub struct Tag<'a> {
    /// Lower case (borrowed from the page unless it had capitals).
    pub name: Cow<'a, str>,
    pub raw_name: &'a str,
    pub attrs: Attrs<'a>,
    pub self_closing: bool,
}

impl Tag<'_> {
    /// The decoded value of an attribute ("" when it has none).
    pub fn get(&self, name: &str) -> Option<String> {
        self.attrs
            .iter()
            .find(|a| a.name.eq_ignore_ascii_case(name))
            .map(|a| a.value.map(|v| decode(v).into_owned()).unwrap_or_default())
    }

    pub fn has_class(&self, class: &str) -> bool {
        // Runs for every tag of every page: no copy unless the value has entities.
        self.attrs
            .iter()
            .filter(|a| a.name.eq_ignore_ascii_case("class"))
            .take(1)
            .any(|a| decode(a.value.unwrap_or("")).split_ascii_whitespace().any(|x| x == class))
    }
}

pub enum Kind<'a> {
    Text,
    Start(Tag<'a>),
    /// The name in lower case.
    End(Cow<'a, str>),
    /// Comments, doctype, processing instructions.
    Other,
}

pub struct Token<'a> {
    pub start: usize,
    pub end: usize,
    pub kind: Kind<'a>,
}

impl<'a> Token<'a> {
    pub fn start(&self) -> Option<&Tag<'a>> {
        match &self.kind {
            Kind::Start(t) => Some(t),
            _ => None,
        }
    }
}

/// An element found by [`find`]: token indexes of its start and end tag.
pub struct Element {
    pub start: usize,
    open: Range<usize>,
    close: Range<usize>,
}

impl Element {
    /// Byte range of the whole element.
    pub fn outer(&self) -> Range<usize> {
        self.open.start..self.close.end
    }
    /// Byte range between its start and end tags.
    pub fn inner(&self) -> Range<usize> {
        self.open.end..self.close.start
    }
}

pub const VOID: &[&str] =
    &["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"];
const RAW: &[&str] = &["script", "style", "title", "textarea"];

/// The first element whose start tag matches, with its matching end tag.
pub fn find(toks: &[Token], pred: impl Fn(&Tag) -> bool) -> Option<Element> {
    let start = toks.iter().position(|t| t.start().is_some_and(&pred))?;
    let tag = toks[start].start()?;
    let open = toks[start].start..toks[start].end;
    if tag.self_closing || VOID.contains(&tag.name.as_ref()) {
        return Some(Element { start, open: open.clone(), close: open.end..open.end });
    }
    let mut depth = 0usize;
    for t in toks.iter().skip(start + 1) {
        match &t.kind {
            Kind::Start(s) if s.name == tag.name && !s.self_closing => depth += 1,
            Kind::End(n) if *n == tag.name => {
                if depth == 0 {
                    return Some(Element { start, open, close: t.start..t.end });
                }
                depth -= 1;
            }
            _ => {}
        }
    }
    None
}

/// All tokens of `s`, in order; they cover `s` without gaps or overlap.
pub fn tokenize(s: &str) -> Vec<Token<'_>> {
    Tokens::new(s).collect()
}

/// The tokens of a document, one at a time (no list is built).
pub struct Tokens<'a> {
    s: &'a str,
    i: usize,
    text_from: usize,
    /// After the start tag of `<script>` and the like: its name, whose text
    /// and end tag come next.
    raw: Option<Cow<'a, str>>,
    /// The end tag of such an element, found with its text and handed out after it.
    pending: Option<Token<'a>>,
}

impl<'a> Tokens<'a> {
    pub fn new(s: &'a str) -> Self {
        Tokens { s, i: 0, text_from: 0, raw: None, pending: None }
    }

    /// The text of a raw-text element named `name` (from `self.i`) and its end tag.
    fn raw_text(&mut self, name: Cow<'a, str>) -> Option<Token<'a>> {
        let (s, end) = (self.s, self.i);
        let b = s.as_bytes();
        // Up to the matching end tag, whatever it contains.
        let stop = find_end_tag(&b[end..], name.as_bytes()).map_or(b.len(), |e| end + e);
        let close = (stop < b.len()).then(|| {
            let close = s[stop..].find('>').map_or(b.len(), |e| stop + e + 1);
            Token { start: stop, end: close, kind: Kind::End(name) }
        });
        self.i = close.as_ref().map_or(stop, |c| c.end);
        self.text_from = self.i;
        if stop > end {
            self.pending = close;
            return Some(Token { start: end, end: stop, kind: Kind::Text });
        }
        close
    }
}

impl<'a> Iterator for Tokens<'a> {
    type Item = Token<'a>;

    // Each call hands out one token as soon as it is found: the text before a
    // tag is returned first and the tag is read on the next call, so no token
    // waits in a queue (which cost more than finding the tokens).
    fn next(&mut self) -> Option<Token<'a>> {
        // Checked first: taking an empty slot still copies a whole token.
        if self.pending.is_some() {
            return self.pending.take();
        }
        if let Some(name) = self.raw.take() {
            if let Some(t) = self.raw_text(name) {
                return Some(t);
            }
        }
        let s = self.s;
        let b = s.as_bytes();
        while self.i < b.len() {
            let i = self.i;
            if b[i] != b'<' {
                // Jump to the next `<` (an ASCII byte, so a char boundary).
                self.i = memchr::memchr(b'<', &b[i..]).map_or(b.len(), |e| i + e);
                continue;
            }
            let next = b.get(i + 1).copied().unwrap_or(0);
            let end_tag = next == b'/' && b.get(i + 2).is_some_and(u8::is_ascii_alphabetic);
            if !(next == b'!' || next == b'?' || end_tag || next.is_ascii_alphabetic()) {
                self.i += 1;
                continue;
            }
            if i > self.text_from {
                let t = Token { start: self.text_from, end: i, kind: Kind::Text };
                self.text_from = i;
                return Some(t);
            }
            let tok = if b[i..].starts_with(b"<!--") {
                // As browsers read it: `<!-->` and `<!--->` are empty comments, and
                // `--!>` ends one too (found by review: the page check missed tags after them).
                let rest = &s[i + 4..];
                let end = if rest.starts_with('>') {
                    i + 5
                } else if rest.starts_with("->") {
                    i + 6
                } else {
                    let close = rest.find("-->").map(|e| e + 3);
                    let bang = rest.find("--!>").map(|e| e + 4);
                    match (close, bang) {
                        (Some(a), Some(b)) => i + 4 + a.min(b),
                        (Some(a), None) | (None, Some(a)) => i + 4 + a,
                        (None, None) => b.len(),
                    }
                };
                Token { start: i, end, kind: Kind::Other }
            } else if next == b'!' || next == b'?' {
                let end = memchr::memchr(b'>', &b[i..]).map_or(b.len(), |e| i + e + 1);
                Token { start: i, end, kind: Kind::Other }
            } else if end_tag {
                let end = memchr::memchr(b'>', &b[i..]).map_or(b.len(), |e| i + e + 1);
                // ASCII bytes never occur inside a multi-byte char: a byte scan will do.
                let name_end = b[i + 2..end]
                    .iter()
                    .position(|&c| c.is_ascii_whitespace() || c == b'>' || c == b'/')
                    .map_or(end, |e| i + 2 + e);
                Token { start: i, end, kind: Kind::End(lower(&s[i + 2..name_end])) }
            } else {
                let (tag, end) = start_tag(s, i);
                if RAW.contains(&tag.name.as_ref()) && !tag.self_closing {
                    self.raw = Some(tag.name.clone());
                }
                Token { start: i, end, kind: Kind::Start(tag) }
            };
            self.i = tok.end;
            self.text_from = tok.end;
            return Some(tok);
        }
        if self.text_from < b.len() {
            let t = Token { start: self.text_from, end: b.len(), kind: Kind::Text };
            self.text_from = b.len();
            return Some(t);
        }
        None
    }
}

/// Position of the first `</name` (name in lower case) in `hay`, ignoring ASCII case.
fn find_end_tag(hay: &[u8], name: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(k) = memchr::memchr(b'<', &hay[from..]).map(|k| from + k) {
        let rest = &hay[k + 1..];
        if rest.first() == Some(&b'/') && rest.len() > name.len() && rest[1..=name.len()].eq_ignore_ascii_case(name) {
            return Some(k);
        }
        from = k + 1;
    }
    None
}

/// A tag name in lower case, borrowed when it already is.
fn lower(name: &str) -> Cow<'_, str> {
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(name.to_ascii_lowercase())
    } else {
        Cow::Borrowed(name)
    }
}

/// Parses the start tag at `i` (`s[i] == '<'`); returns it and where it ends.
/// Every index it slices at is at an ASCII byte or the end of `s`.
fn start_tag(s: &str, i: usize) -> (Tag<'_>, usize) {
    let b = s.as_bytes();
    let ws = |c: u8| c.is_ascii_whitespace();
    let mut j = i + 1;
    while j < b.len() && !ws(b[j]) && b[j] != b'>' && b[j] != b'/' {
        j += 1;
    }
    let raw_name = &s[i + 1..j];
    let mut tag = Tag { name: lower(raw_name), raw_name, attrs: Attrs::new(), self_closing: false };
    loop {
        while j < b.len() && ws(b[j]) {
            j += 1;
        }
        if j >= b.len() {
            return (tag, b.len());
        }
        match b[j] {
            b'>' => return (tag, j + 1),
            b'/' if b.get(j + 1) == Some(&b'>') => {
                tag.self_closing = true;
                return (tag, j + 2);
            }
            b'/' => {
                j += 1;
                continue;
            }
            _ => {}
        }
        let ns = j;
        let name_ends = |j: usize| ws(b[j]) || matches!(b[j], b'=' | b'>') || (b[j] == b'/' && j > ns);
        while j < b.len() && !name_ends(j) {
            j += 1;
        }
        let name = &s[ns..j];
        let mut k = j;
        while k < b.len() && ws(b[k]) {
            k += 1;
        }
        if k < b.len() && b[k] == b'=' {
            k += 1;
            while k < b.len() && ws(b[k]) {
                k += 1;
            }
            let value = match b.get(k) {
                Some(&q @ (b'"' | b'\'')) => {
                    let end = memchr::memchr(q, &b[k + 1..]).map_or(b.len(), |e| k + 1 + e);
                    let v = &s[k + 1..end];
                    j = (end + 1).min(b.len());
                    v
                }
                _ => {
                    let end =
                        b[k..].iter().position(|&c| c.is_ascii_whitespace() || c == b'>').map_or(b.len(), |e| k + e);
                    let v = &s[k..end];
                    j = end;
                    v
                }
            };
            tag.attrs.push(Attr { name, value: Some(value) });
        } else {
            tag.attrs.push(Attr { name, value: None });
        }
    }
}

/// Decodes character references (see [`reference`]); anything else stays
/// as written.
#[inline]
pub fn decode(s: &str) -> Cow<'_, str> {
    // Inlined, so that the usual value without a reference costs one memchr.
    if memchr::memchr(b'&', s.as_bytes()).is_none() {
        return Cow::Borrowed(s);
    }
    decode_references(s)
}

fn decode_references(s: &str) -> Cow<'_, str> {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        // A reference is short; `;` is ASCII, so its index is a char boundary.
        let semi = rest.bytes().take(12).position(|c| c == b';');
        let c = semi.and_then(|semi| reference(&rest[1..semi]).map(|c| (c, semi))).or_else(|| unterminated(rest));
        match c {
            Some((c, semi)) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// The character a reference names (`amp`, `nbsp`, `#233`, `#xE9`): the
/// named ones irbook, pulldown-cmark and the theme write, and any number.
pub fn reference(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "colon" => ':',
        "sol" => '/',
        "bsol" => '\\',
        "period" => '.',
        "Tab" => '\t',
        "NewLine" => '\n',
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

/// A numeric reference without its `;` (`&#x68ttp`), which browsers still
/// decode: the character and the index of the reference's last byte.
fn unterminated(rest: &str) -> Option<(char, usize)> {
    let body = rest.strip_prefix("&#")?;
    let (hex, digits) = match body.strip_prefix(['x', 'X']) {
        Some(h) => (true, h),
        None => (false, body),
    };
    let n = digits.bytes().take_while(|c| if hex { c.is_ascii_hexdigit() } else { c.is_ascii_digit() }).count();
    if n == 0 || n > 8 {
        return None;
    }
    let code = u32::from_str_radix(&digits[..n], if hex { 16 } else { 10 }).ok()?;
    // `semi` is where the reference ends, so that the caller skips `semi + 1` bytes.
    Some((char::from_u32(code)?, 2 + usize::from(hex) + n - 1))
}

/// HTML escaping for text and attribute values. Unlike Tera's default it
/// leaves `/` alone, which needs no escaping and would make every URL
/// unreadable.
pub fn escape(s: &str) -> String {
    let needs = |b: &u8| matches!(b, b'&' | b'<' | b'>' | b'"' | b'\'');
    let mut out = String::with_capacity(s.len() + 8);
    let mut rest = s;
    // Copy the runs between special characters whole: most texts have none.
    while let Some(i) = rest.bytes().position(|b| needs(&b)) {
        out.push_str(&rest[..i]);
        out.push_str(match rest.as_bytes()[i] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => "&#39;",
        });
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_quotes_raw_text_and_nesting() {
        let src = r#"<p class='a b' data-x="1>2">Hi <b>there</b></p><script>if (a<b) {}</script><!-- c --><br/>"#;
        let toks = tokenize(src);
        let p = find(&toks, |t| t.name == "p").unwrap();
        assert_eq!(&src[p.inner()], "Hi <b>there</b>");
        assert!(toks[p.start].start().unwrap().has_class("b"));
        assert_eq!(toks[p.start].start().unwrap().get("data-x").as_deref(), Some("1>2"));
        let script = find(&toks, |t| t.name == "script").unwrap();
        assert_eq!(&src[script.inner()], "if (a<b) {}");
        assert!(find(&toks, |t| t.name == "br").is_some());
    }

    #[test]
    fn nesting_and_script_text_with_tags_in_it() {
        let src = r#"<div class="a"><script>if (a < b) { x = "</div>"; }</script><div class='b c'>x</div><br/></div>"#;
        let toks = tokenize(src);
        let outer = find(&toks, |t| t.has_class("a")).unwrap();
        assert_eq!(&src[outer.outer()], src);
        let inner = find(&toks, |t| t.has_class("c")).unwrap();
        assert_eq!(&src[inner.inner()], "x");
    }

    #[test]
    fn attributes_keep_their_order_however_many() {
        for n in 0..5 {
            let src: String = (0..n).map(|k| format!(" a{k}=\"v{k}\"")).collect::<String>() + " checked";
            let html = format!("<input{src}>");
            let toks = tokenize(&html);
            let tag = toks[0].start().unwrap();
            let names: Vec<&str> = tag.attrs.iter().map(|a| a.name).collect();
            let expected: Vec<String> = (0..n).map(|k| format!("a{k}")).chain(["checked".to_string()]).collect();
            assert_eq!(names, expected);
            assert_eq!(tag.attrs.len(), n + 1);
            assert!((&tag.attrs)
                .into_iter()
                .take(n)
                .enumerate()
                .all(|(k, a)| a.value.map(str::to_string) == Some(format!("v{k}"))));
            assert_eq!(tag.get("checked").as_deref(), Some(""));
        }
    }

    #[test]
    fn comments_end_where_browsers_end_them() {
        for src in ["<!--><img src=x>-->", "<!---><img src=x>-->", "<!-- a --!><img src=x>-->"] {
            assert!(find(&tokenize(src), |t| t.name == "img").is_some(), "{src}");
        }
    }

    #[test]
    fn raw_text_ends_at_its_end_tag_in_any_case() {
        let toks = tokenize("<SCRIPT>x</Script>y");
        assert!(matches!(&toks[2].kind, Kind::End(n) if n == "script"));
        assert_eq!(toks.len(), 4);
    }

    #[test]
    fn decodes_references_next_to_any_character() {
        // Found by review: a title "Q&A privé" panicked the single file.
        assert_eq!(decode("Q&amp;A privé"), "Q&A privé");
        assert_eq!(decode("é&é;&#xe9;&#233;&lt"), "é&é;éé&lt");
        assert_eq!(decode("&#xD800;&#99999999;"), "&#xD800;&#99999999;");
        assert_eq!(decode("a&amp;b&#39;c&#x41;&nbsp;&nope;"), "a&b'cA\u{a0}&nope;");
        assert_eq!(decode("&#x68&#x74tps&colon;//x &#106avascript"), "https://x javascript");
    }

    #[test]
    fn escapes_the_five_characters_and_keeps_the_rest() {
        assert_eq!(escape(r#"<a href="x">&'/é"#), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;/é");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Tokens cover the input exactly, in order, for any text.
        #[test]
        fn tokens_cover_any_input(s in "(<|>|/|!|-|=|\"|'|&|;|#|[a-zA-Zé€😀 ]|script|style){0,60}") {
            let mut at = 0;
            for t in Tokens::new(&s) {
                prop_assert_eq!(t.start, at);
                prop_assert!(t.end > t.start && t.end <= s.len());
                prop_assert!(s.is_char_boundary(t.start) && s.is_char_boundary(t.end));
                at = t.end;
            }
            prop_assert_eq!(at, s.len());
        }

        /// Decoding never panics and escaped text decodes back to itself.
        #[test]
        fn escape_then_decode_is_identity(s in "\\PC{0,40}") {
            let _ = decode(&s);
            prop_assert_eq!(decode(&escape(&s)).into_owned(), s);
        }
    }
}
