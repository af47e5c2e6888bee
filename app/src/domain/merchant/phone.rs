//! Mainland China phone numbers as merchants type them: mobiles (`1[3-9]` + 9 digits) and
//! landlines with their area code, optionally with an extension. The checked number keeps a
//! display form residents recognise and a `tel:` URI for the call button.

const MOBILE_LEN: usize = 11;
const LOCAL_LEN: std::ops::RangeInclusive<usize> = 7..=8;
const EXT_LEN: std::ops::RangeInclusive<usize> = 1..=6;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneKind {
    Mobile,
    Landline,
}

/// A number that passed [`check`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone {
    kind: PhoneKind,
    /// The national number without separators: "13800138000", "02161234567".
    national: String,
    /// Length of the area code with its leading 0 (3 or 4); 0 for mobiles.
    area_len: usize,
    extension: Option<String>,
}

impl Phone {
    pub fn kind(&self) -> PhoneKind {
        self.kind
    }

    pub fn national(&self) -> &str {
        &self.national
    }

    pub fn extension(&self) -> Option<&str> {
        self.extension.as_deref()
    }

    /// How residents read it: "138 0013 8000", "021-61234567", "0571-8888888 转 123".
    pub fn display(&self) -> String {
        match self.kind {
            PhoneKind::Mobile => format!(
                "{} {} {}",
                &self.national[..3],
                &self.national[3..7],
                &self.national[7..]
            ),
            PhoneKind::Landline => {
                let (area, local) = self.national.split_at(self.area_len);
                match &self.extension {
                    Some(ext) => format!("{area}-{local} 转 {ext}"),
                    None => format!("{area}-{local}"),
                }
            }
        }
    }

    /// RFC 3966 global number: the country code replaces the area code's trunk 0
    /// ("tel:+862161234567"), an extension follows as ";ext=123".
    pub fn tel_uri(&self) -> String {
        let number = match self.kind {
            PhoneKind::Mobile => &self.national[..],
            PhoneKind::Landline => &self.national[1..],
        };
        match &self.extension {
            Some(ext) => format!("tel:+86{number};ext={ext}"),
            None => format!("tel:+86{number}"),
        }
    }
}

/// Why a number was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhoneError {
    Empty,
    /// A character that is neither a digit nor a separator we accept.
    BadChar {
        ch: char,
    },
    /// Starts with 1 but is not 11 digits long.
    MobileLength {
        given: usize,
    },
    /// 11 digits starting 10, 11 or 12: not a mobile network prefix.
    NotMobilePrefix {
        prefix: String,
    },
    /// Starts with 0 but no area code starts like this (00, 011–019).
    AreaCode {
        given: String,
    },
    /// The number after the area code is not 7–8 digits.
    LandlineLength {
        given: usize,
    },
    /// 7–8 digits starting 2–9: a landline without its area code.
    MissingAreaCode,
    /// An extension that is not 1–6 digits.
    BadExtension,
    /// An extension after a mobile number.
    MobileExtension,
    /// None of the above shapes (400 service numbers, foreign numbers, …).
    Unrecognised,
}

impl PhoneError {
    pub fn message_zh(&self) -> String {
        match self {
            PhoneError::Empty => "请填写联系电话".into(),
            PhoneError::BadChar { ch } => {
                format!("电话号码里不能有“{ch}”，请只填数字（区号后可用“-”分隔）")
            }
            PhoneError::MobileLength { given } => format!(
                "手机号{}：应为 11 位，您输入了 {given} 位",
                if *given < MOBILE_LEN {
                    "太短"
                } else {
                    "太长"
                }
            ),
            PhoneError::NotMobilePrefix { prefix } => {
                format!("“{prefix}”开头的不是手机号（手机号以 13–19 开头）")
            }
            PhoneError::AreaCode { given } => {
                format!("区号“{given}”无效（区号如 010、021、0571）")
            }
            PhoneError::LandlineLength { given } => format!(
                "座机号码{}：区号后应为 7–8 位，您输入了 {given} 位",
                if *given < *LOCAL_LEN.start() {
                    "太短"
                } else {
                    "太长"
                }
            ),
            PhoneError::MissingAreaCode => "座机号码请加区号，例如 021-61234567".into(),
            PhoneError::BadExtension => "分机号应为 1–6 位数字".into(),
            PhoneError::MobileExtension => "手机号不能带分机号".into(),
            PhoneError::Unrecognised => {
                "无法识别的电话号码：手机号为 11 位，座机请加区号（如 021-61234567）".into()
            }
        }
    }

    pub fn message_en(&self) -> String {
        match self {
            PhoneError::Empty => "please enter a phone number".into(),
            PhoneError::BadChar { ch } => format!(
                "a phone number cannot contain '{ch}'; use digits (and '-' after the area code)"
            ),
            PhoneError::MobileLength { given } => format!(
                "mobile number too {}: 11 digits expected, {given} given",
                if *given < MOBILE_LEN { "short" } else { "long" }
            ),
            PhoneError::NotMobilePrefix { prefix } => format!(
                "numbers starting with {prefix} are not mobile numbers (those start with 13–19)"
            ),
            PhoneError::AreaCode { given } => {
                format!("'{given}' is not an area code (e.g. 010, 021, 0571)")
            }
            PhoneError::LandlineLength { given } => {
                format!(
                "landline number too {}: 7–8 digits expected after the area code, {given} given",
                if *given < *LOCAL_LEN.start() { "short" } else { "long" }
            )
            }
            PhoneError::MissingAreaCode => {
                "add the area code to a landline number, e.g. 021-61234567".into()
            }
            PhoneError::BadExtension => "an extension has 1–6 digits".into(),
            PhoneError::MobileExtension => "a mobile number has no extension".into(),
            PhoneError::Unrecognised => {
                "not a mainland mobile (11 digits) or landline number with area code".into()
            }
        }
    }
}

/// Full-width digits and signs from a Chinese input method become ASCII; spaces go.
fn normalise(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        // "(021)6123 4567": brackets around the area code are common on shop signs.
        .filter(|c| !matches!(c, '(' | ')'))
        .collect()
}

/// Removes hyphens and requires digits only.
fn digits_of(s: &str) -> Result<String, PhoneError> {
    let digits: String = s.chars().filter(|&c| c != '-').collect();
    match digits.chars().find(|c| !c.is_ascii_digit()) {
        Some(ch) => Err(PhoneError::BadChar { ch }),
        None => Ok(digits),
    }
}

/// The area code's length (with its 0) for a number starting with 0: 010 and 02x have two
/// digits after the 0, 03x–09x three; 00 and 011–019 do not exist.
fn area_len(digits: &str) -> Result<usize, PhoneError> {
    let b = digits.as_bytes();
    let bad = || PhoneError::AreaCode {
        given: digits.chars().take(3).collect(),
    };
    match b.get(1) {
        Some(b'1') if b.get(2) == Some(&b'0') => Ok(3),
        Some(b'2') => Ok(3),
        Some(b'3'..=b'9') => Ok(4),
        _ => Err(bad()),
    }
}

fn landline(digits: &str, extension: Option<String>) -> Result<Phone, PhoneError> {
    let area_len = area_len(digits)?;
    let local = digits.get(area_len..).unwrap_or("");
    if !LOCAL_LEN.contains(&local.len()) {
        return Err(PhoneError::LandlineLength { given: local.len() });
    }
    Ok(Phone {
        kind: PhoneKind::Landline,
        national: digits.to_string(),
        area_len,
        extension,
    })
}

fn check_extension(ext: &str) -> Result<String, PhoneError> {
    let ext: String = ext.chars().filter(|&c| c != '-').collect();
    if EXT_LEN.contains(&ext.len()) && ext.chars().all(|c| c.is_ascii_digit()) {
        Ok(ext)
    } else {
        Err(PhoneError::BadExtension)
    }
}

/// Checks a phone number as typed: spaces, hyphens, brackets and a leading +86 / 0086 are
/// ignored; an extension follows "转" or a last hyphen after a complete landline number.
pub fn check(s: &str) -> Result<Phone, PhoneError> {
    let s = normalise(s);
    if s.is_empty() {
        return Err(PhoneError::Empty);
    }
    let (international, s) = match s.strip_prefix("+86").or_else(|| s.strip_prefix("0086")) {
        Some(rest) => (true, rest.trim_start_matches('-')),
        None => (false, &s[..]),
    };
    let (main, extension) = match s.split_once('转') {
        Some((main, ext)) => (main, Some(check_extension(ext)?)),
        None => match s.rsplit_once('-') {
            // "010-12345678-123": a hyphen after a complete landline starts an extension;
            // in "021-6123-4567" the part before the last hyphen is no complete number.
            Some((head, ext))
                if digits_of(head)
                    .is_ok_and(|d| d.starts_with('0') && landline(&d, None).is_ok()) =>
            {
                (head, Some(check_extension(ext)?))
            }
            _ => (s, None),
        },
    };
    let mut digits = digits_of(main)?;
    // Dialled from abroad the area code loses its trunk 0: +86 21 6123 4567.
    if international && !digits.starts_with(['0', '1']) && !digits.is_empty() {
        digits.insert(0, '0');
    }
    match digits.as_bytes().first() {
        None => Err(PhoneError::Empty),
        Some(b'1') => {
            if digits.len() != MOBILE_LEN {
                return Err(PhoneError::MobileLength {
                    given: digits.len(),
                });
            }
            if !matches!(digits.as_bytes()[1], b'3'..=b'9') {
                return Err(PhoneError::NotMobilePrefix {
                    prefix: digits[..2].to_string(),
                });
            }
            if extension.is_some() {
                return Err(PhoneError::MobileExtension);
            }
            Ok(Phone {
                kind: PhoneKind::Mobile,
                national: digits,
                area_len: 0,
                extension: None,
            })
        }
        Some(b'0') => landline(&digits, extension),
        Some(_) if LOCAL_LEN.contains(&digits.len()) => Err(PhoneError::MissingAreaCode),
        Some(_) => Err(PhoneError::Unrecognised),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> (String, String) {
        let p = check(s).unwrap_or_else(|e| panic!("{s}: {}", e.message_en()));
        (p.display(), p.tel_uri())
    }

    #[test]
    fn mobiles_in_the_ways_people_write_them() {
        for s in [
            "13800138000",
            "138 0013 8000",
            "138-0013-8000",
            "+86 138 0013 8000",
            "+86-13800138000",
            "008613800138000",
            "１３８００１３８０００",
        ] {
            assert_eq!(
                ok(s),
                ("138 0013 8000".into(), "tel:+8613800138000".into()),
                "{s}"
            );
        }
        assert_eq!(check("19912345678").unwrap().kind(), PhoneKind::Mobile);
    }

    #[test]
    fn landlines_with_their_area_code() {
        assert_eq!(
            ok("010-12345678"),
            ("010-12345678".into(), "tel:+861012345678".into())
        );
        assert_eq!(
            ok("0571-8888888"),
            ("0571-8888888".into(), "tel:+865718888888".into())
        );
        for s in [
            "021 6123 4567",
            "021-6123-4567",
            "(021)61234567",
            "+86 21 6123 4567",
        ] {
            assert_eq!(
                ok(s),
                ("021-61234567".into(), "tel:+862161234567".into()),
                "{s}"
            );
        }
        let p = check("02161234567").unwrap();
        assert_eq!(p.kind(), PhoneKind::Landline);
        assert_eq!(p.national(), "02161234567");
    }

    #[test]
    fn extensions_after_a_hyphen_or_zhuan() {
        assert_eq!(
            ok("010-12345678-123"),
            (
                "010-12345678 转 123".into(),
                "tel:+861012345678;ext=123".into()
            )
        );
        let p = check("0571-8888888转8001").unwrap();
        assert_eq!(p.extension(), Some("8001"));
        assert_eq!(p.display(), "0571-8888888 转 8001");
        assert_eq!(check("010-12345678-1234567"), Err(PhoneError::BadExtension));
        assert_eq!(check("010-12345678转"), Err(PhoneError::BadExtension));
        assert_eq!(check("13800138000转12"), Err(PhoneError::MobileExtension));
    }

    #[test]
    fn mobile_errors_say_what_is_wrong() {
        let e = check("1380013800").unwrap_err();
        assert_eq!(e, PhoneError::MobileLength { given: 10 });
        assert_eq!(e.message_zh(), "手机号太短：应为 11 位，您输入了 10 位");
        let e = check("138001380001").unwrap_err();
        assert_eq!(e.message_zh(), "手机号太长：应为 11 位，您输入了 12 位");
        assert_eq!(
            e.message_en(),
            "mobile number too long: 11 digits expected, 12 given"
        );
        let e = check("12345678901").unwrap_err();
        assert_eq!(
            e,
            PhoneError::NotMobilePrefix {
                prefix: "12".into()
            }
        );
        assert_eq!(
            e.message_zh(),
            "“12”开头的不是手机号（手机号以 13–19 开头）"
        );
    }

    #[test]
    fn landline_errors_say_what_is_wrong() {
        let e = check("61234567").unwrap_err();
        assert_eq!(e, PhoneError::MissingAreaCode);
        assert_eq!(e.message_zh(), "座机号码请加区号，例如 021-61234567");
        assert_eq!(
            check("011-12345678"),
            Err(PhoneError::AreaCode {
                given: "011".into()
            })
        );
        let e = check("021-123456").unwrap_err();
        assert_eq!(e, PhoneError::LandlineLength { given: 6 });
        assert_eq!(
            e.message_zh(),
            "座机号码太短：区号后应为 7–8 位，您输入了 6 位"
        );
        assert_eq!(
            check("021-612345678"),
            Err(PhoneError::LandlineLength { given: 9 })
        );
    }

    #[test]
    fn other_input_is_refused() {
        assert_eq!(check("  "), Err(PhoneError::Empty));
        assert_eq!(check("138OO138000"), Err(PhoneError::BadChar { ch: 'O' }));
        assert_eq!(
            check("13800138000'; DROP TABLE outlets;--"),
            Err(PhoneError::BadChar { ch: '\'' })
        );
        assert_eq!(check("400-820-8820"), Err(PhoneError::Unrecognised));
    }
}
