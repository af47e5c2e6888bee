//! Single-use survey codes: 8 characters from an alphabet without look-alikes (no 0/O, 1/I/L),
//! shown as `XXXX-XXXX`, stored only as a hash, and printed with a QR code of the survey link.

use crate::tokens;
use qrcode::render::svg;
use qrcode::QrCode;

pub const ALPHABET: &[u8; 32] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
pub const LEN: usize = 8;

/// A new code from the OS's CSPRNG: 8 × 5 bits, each byte's low five bits picking one of the 32
/// characters without bias.
pub fn generate() -> String {
    tokens::random_bytes::<LEN>()
        .iter()
        .map(|b| ALPHABET[(b & 31) as usize] as char)
        .collect()
}

/// `ABCDEFGH` → `ABCD-EFGH`.
pub fn display(code: &str) -> String {
    format!("{}-{}", &code[..LEN / 2], &code[LEN / 2..])
}

/// What a resident typed or scanned, as stored codes are: upper case, dashes and spaces
/// dropped. `None` when it cannot be a code at all.
pub fn normalise(input: &str) -> Option<String> {
    let code: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (code.len() == LEN && code.bytes().all(|b| ALPHABET.contains(&b))).then_some(code)
}

/// The stored form of a code of `round`.
pub fn hash(round: i64, code: &str) -> Vec<u8> {
    tokens::digest(&[b"survey-code", &round.to_le_bytes(), code.as_bytes()])
}

/// `<base>/survey?circle=ID&code=XXXX-XXXX`.
pub fn survey_url(base: &str, circle: &str, code: &str) -> String {
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("circle", circle)
        .append_pair("code", &display(code))
        .finish();
    format!("{}/survey?{query}", base.trim_end_matches('/'))
}

/// The QR code of `text` as an `<svg>` element, sized to print at about 3 cm.
pub fn qr_svg(text: &str) -> String {
    let svg = QrCode::new(text.as_bytes())
        .expect("a survey link fits in a QR code")
        .render::<svg::Color>()
        .min_dimensions(160, 160)
        .build();
    // Inline in HTML: drop the XML declaration.
    match svg.find("<svg") {
        Some(i) => svg[i..].to_string(),
        None => svg,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_from_the_alphabet_and_normalise() {
        let c = generate();
        assert_eq!(c.len(), LEN);
        assert!(c.bytes().all(|b| ALPHABET.contains(&b)));
        assert_eq!(normalise(&display(&c).to_lowercase()), Some(c.clone()));
        assert_eq!(normalise(" abcd - efgh "), Some("ABCDEFGH".into()));
        assert_eq!(normalise("ABCD-EFG0"), None, "0 is not in the alphabet");
        assert_eq!(normalise("ABCD-EFGHJ"), None);
        assert_ne!(hash(1, &c), hash(2, &c));
    }

    #[test]
    fn links_and_qr_codes() {
        let url = survey_url("http://127.0.0.1:8080/", "changshoulu", "ABCDEFGH");
        assert_eq!(
            url,
            "http://127.0.0.1:8080/survey?circle=changshoulu&code=ABCD-EFGH"
        );
        let svg = qr_svg(&url);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"), "{svg}");
    }
}
