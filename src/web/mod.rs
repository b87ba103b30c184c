//! The site's HTML and URL toolkit: reading HTML ([`html`]), resolving links
//! and media types ([`url`]), and the safety rules every written page must
//! follow ([`policy`]). No other module scans HTML or decodes URLs itself.

pub mod html;
pub mod policy;
pub mod url;
