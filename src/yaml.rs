//! Limits on YAML text, checked before any parser sees it: every reader of
//! YAML in irbook (the model, the position index, layers, answers files)
//! calls [`check`] first. The parsers themselves cope badly with some inputs:
//! deeply nested flow collections (`[[[[…]]]]`) take quadratic time, and a
//! NUL byte is reported at line 1, column 1 whatever its place.

use crate::diag::Pos;

/// Deeper flow nesting than this is refused. Real handbooks nest a few levels.
pub const MAX_FLOW_DEPTH: usize = 64;
/// Deeper block (indentation) nesting than this is refused: the parsers and
/// the merge of layers recurse once per level (found by review: 3 000 levels
/// in handbook.yaml overflowed the stack).
pub const MAX_BLOCK_DEPTH: usize = 64;

/// What is wrong with the text and where, or `None` when parsers may have it.
pub fn check(text: &str) -> Option<(Pos, String, &'static str)> {
    block_depth(text).or_else(|| characters_and_brackets(text))
}

/// Indentation levels open at each line: a line indented deeper than the one
/// before opens a level, a shallower one closes those deeper than it. Lines
/// inside a block scalar (`|`, `>`) count too, which only makes the limit
/// stricter for texts that never come near it.
fn block_depth(text: &str) -> Option<(Pos, String, &'static str)> {
    let mut open: Vec<usize> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let body = line.trim_start_matches([' ', '-']);
        if body.trim().is_empty() || body.starts_with('#') {
            continue;
        }
        let indent = line.len() - body.len();
        while open.last().is_some_and(|&top| top >= indent) {
            open.pop();
        }
        open.push(indent);
        if open.len() > MAX_BLOCK_DEPTH {
            return Some((
                Pos::new(i + 1, indent + 1),
                format!("the lines nest more than {MAX_BLOCK_DEPTH} levels deep here"),
                "a handbook never needs this much nesting; write the values out as plain lists and maps",
            ));
        }
    }
    None
}

fn characters_and_brackets(text: &str) -> Option<(Pos, String, &'static str)> {
    let (mut line, mut col) = (1usize, 0usize);
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut comment = false;
    let mut prev = '\n';
    for c in text.chars() {
        col += 1;
        if c == '\n' {
            line += 1;
            col = 0;
            comment = false;
            prev = c;
            continue;
        }
        if (c.is_control() && !matches!(c, '\t' | '\r')) || c == '\u{feff}' && (line, col) != (1, 1) {
            let what =
                if c == '\0' { "a NUL byte".to_string() } else { format!("the control character U+{:04X}", c as u32) };
            return Some((
                Pos::new(line, col),
                format!("this file contains {what}, which YAML does not allow"),
                "save the file as plain UTF-8 text; the character is invisible in most editors, so delete and retype the text around this position",
            ));
        }
        if comment {
            prev = c;
            continue;
        }
        match quote {
            Some(q) => {
                if c == q {
                    quote = None;
                }
            }
            None => match c {
                '#' if prev.is_whitespace() => comment = true,
                // Quotes delimit scalars inside flow collections; in block
                // context a quote inside plain text (`don't`) means nothing.
                '"' | '\'' if depth > 0 && matches!(prev, '[' | '{' | ',' | ' ' | ':') => quote = Some(c),
                '[' | '{' => {
                    depth += 1;
                    if depth > MAX_FLOW_DEPTH {
                        return Some((
                            Pos::new(line, col),
                            format!("brackets nest more than {MAX_FLOW_DEPTH} levels deep here"),
                            "a handbook never needs this much nesting; write the values out as plain lists and maps",
                        ));
                    }
                }
                ']' | '}' => depth = depth.saturating_sub(1),
                _ => {}
            },
        }
        prev = c;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_flow_nesting_is_refused_quickly_at_its_place() {
        let deep = format!("a: 1\nb: {}{}", "[".repeat(200_000), "]".repeat(200_000));
        let started = std::time::Instant::now();
        let (pos, msg, _) = check(&deep).unwrap();
        assert!(started.elapsed().as_millis() < 500);
        assert_eq!((pos.line, pos.column), (2, 4 + MAX_FLOW_DEPTH));
        assert!(msg.contains("nest more than"));
        assert!(check("a: [[1, [2]], {b: [c]}]\ntext: \"[not [counted\"\n").is_none());
    }

    #[test]
    fn deep_block_nesting_is_refused_at_its_place() {
        let mut deep = String::from("branding:\n");
        for i in 1..3001 {
            deep.push_str(&format!("{}k:\n", " ".repeat(i)));
        }
        let (pos, msg, _) = check(&deep).unwrap();
        assert_eq!((pos.line, pos.column), (1 + MAX_BLOCK_DEPTH, MAX_BLOCK_DEPTH + 1));
        assert!(msg.contains("nest more than"));
        let fine = "steps:\n  - id: a\n    text: |\n      - one\n        - two\n    when: x\n";
        assert!(check(fine).is_none());
    }

    #[test]
    fn control_characters_are_located() {
        let (pos, msg, _) = check("title: x\nid: a\0b\n").unwrap();
        assert_eq!((pos.line, pos.column), (2, 6));
        assert!(msg.contains("NUL"));
        assert!(check("\u{feff}title: x\r\n\tindented: no\n").is_none());
    }

    #[test]
    fn markdown_in_yaml_texts_is_no_nesting() {
        let text = "text: See [the form](x) and [GDPR](source:a) — don't [worry].\n# a [comment [[[\n";
        assert!(check(text).is_none());
    }
}
