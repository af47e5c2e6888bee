//! 统一社会信用代码 (unified social credit code, GB 32100-2015): the 18 characters printed on
//! every business licence. We check its form and its check character so a merchant learns about
//! a typo while filling in the form; whether the code belongs to a real, active business is for
//! the staff review (the national registry has no open API).

use std::fmt;

/// The code's alphabet: digits and capitals without I, O, Z, S, V (too easily read as 1, 0, 2,
/// 5, U). A character's value is its index here.
pub const ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Weight of positions 1–17: 3^(i−1) mod 31.
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

const LEN: usize = 18;

/// A code that passed [`check`], in its normalised form (no spaces, capitals).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CreditCode(String);

impl CreditCode {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Position 1: the registration authority (9 = 工商, market regulation).
    pub fn registration_authority(&self) -> char {
        self.0.as_bytes()[0] as char
    }

    /// Position 2: the entity type within that authority (1 = 企业 company, 2 = 个体工商户 sole
    /// trader, under authority 9).
    pub fn entity_type(&self) -> char {
        self.0.as_bytes()[1] as char
    }

    /// Positions 3–8: the administrative division of the registering office (350100 = 福州).
    pub fn division_code(&self) -> &str {
        &self.0[2..8]
    }

    /// Positions 9–17: the organisation code (主体标识码).
    pub fn organisation_code(&self) -> &str {
        &self.0[8..17]
    }
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Why a code was refused. Positions count from 1, as printed on the licence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CreditCodeError {
    Empty,
    /// Not 18 characters (after removing spaces).
    Length {
        given: usize,
    },
    /// A character outside [`ALPHABET`].
    BadChar {
        position: usize,
        ch: char,
    },
    /// Positions 3–8 hold a division code and must be digits.
    DivisionNotDigits {
        position: usize,
        ch: char,
    },
    /// The 18th character does not match the one computed from the first 17.
    CheckChar {
        expected: char,
        given: char,
    },
}

impl CreditCodeError {
    pub fn message_zh(&self) -> String {
        match self {
            CreditCodeError::Empty => "请填写营业执照上的统一社会信用代码".to_string(),
            CreditCodeError::Length { given } => {
                format!("统一社会信用代码应为 18 位，您输入了 {given} 位")
            }
            CreditCodeError::BadChar { position, ch } if is_excluded_letter(*ch) => {
                format!("第 {position} 位的“{ch}”不是有效字符（信用代码不用 I、O、Z、S、V）")
            }
            CreditCodeError::BadChar { position, ch } => {
                format!("第 {position} 位的“{ch}”不是有效字符（信用代码只含数字和大写字母）")
            }
            CreditCodeError::DivisionNotDigits { position, ch } => {
                format!("第 {position} 位的“{ch}”应为数字（第 3–8 位是登记机关的行政区划代码）")
            }
            CreditCodeError::CheckChar { expected, .. } => {
                format!("最后一位校验码应为 {expected}，请核对是否输错")
            }
        }
    }

    pub fn message_en(&self) -> String {
        match self {
            CreditCodeError::Empty => {
                "please enter the unified social credit code from the business licence".to_string()
            }
            CreditCodeError::Length { given } => {
                format!("the credit code has 18 characters; {given} were given")
            }
            CreditCodeError::BadChar { position, ch } if is_excluded_letter(*ch) => format!(
                "character {position} '{ch}' is not allowed (credit codes do not use I, O, Z, S, V)"
            ),
            CreditCodeError::BadChar { position, ch } => format!(
                "character {position} '{ch}' is not allowed (only digits and capital letters)"
            ),
            CreditCodeError::DivisionNotDigits { position, ch } => format!(
                "character {position} '{ch}' should be a digit (characters 3–8 are the division code)"
            ),
            CreditCodeError::CheckChar { expected, .. } => format!(
                "the last (check) character should be {expected}; please look for a typo"
            ),
        }
    }
}

fn is_excluded_letter(ch: char) -> bool {
    matches!(ch, 'I' | 'O' | 'Z' | 'S' | 'V')
}

fn value_of(ch: char) -> Option<u32> {
    ALPHABET.find(ch).map(|i| i as u32)
}

/// The check character for the first 17 characters, or `None` when they are not 17 characters
/// of the alphabet. Used by [`check`] and by tests that build valid codes.
pub fn check_char(first17: &str) -> Option<char> {
    let values: Vec<u32> = first17.chars().map(value_of).collect::<Option<_>>()?;
    if values.len() != WEIGHTS.len() {
        return None;
    }
    let sum: u32 = values.iter().zip(WEIGHTS).map(|(v, w)| v * w).sum();
    let check = (31 - sum % 31) % 31;
    ALPHABET.chars().nth(check as usize)
}

/// Normalises what a person types or pastes: drops spaces (also the full-width space), turns
/// full-width letters and digits from a Chinese input method into ASCII, and upper-cases.
fn normalise(code: &str) -> String {
    code.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Checks a credit code as typed. The first problem found is reported, in this order: length,
/// characters (from the left), division digits, check character.
pub fn check(code: &str) -> Result<CreditCode, CreditCodeError> {
    let code = normalise(code);
    let chars: Vec<char> = code.chars().collect();
    if chars.is_empty() {
        return Err(CreditCodeError::Empty);
    }
    if chars.len() != LEN {
        return Err(CreditCodeError::Length { given: chars.len() });
    }
    if let Some((i, &ch)) = chars
        .iter()
        .enumerate()
        .find(|(_, &c)| value_of(c).is_none())
    {
        return Err(CreditCodeError::BadChar {
            position: i + 1,
            ch,
        });
    }
    if let Some((i, &ch)) = chars
        .iter()
        .enumerate()
        .take(8)
        .skip(2)
        .find(|(_, c)| !c.is_ascii_digit())
    {
        return Err(CreditCodeError::DivisionNotDigits {
            position: i + 1,
            ch,
        });
    }
    // All 18 characters are ASCII now, so byte slicing is safe.
    let expected = check_char(&code[..17]).expect("17 characters of the alphabet");
    if chars[17] != expected {
        return Err(CreditCodeError::CheckChar {
            expected,
            given: chars[17],
        });
    }
    Ok(CreditCode(code))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Published codes. Each check character was recomputed by hand with the GB 32100-2015
    // weights (Σ value×weight over positions 1–17, check = 31 − Σ mod 31):
    // - 91350100M000100Y43: the example code used throughout Chinese validator libraries;
    //   Σ = 1640 = 31×52 + 28 → 31 − 28 = 3 → '3'.
    // - 914403001922038216 (华为技术有限公司): Σ = 831 = 31×26 + 25 → 6 → '6'.
    // - 91440300708461136T (腾讯科技（深圳）有限公司, the producer code in Tencent's AIGC
    //   labels): Σ = 966 = 31×31 + 5 → 26 → 'T'.
    // - 91110108551385082Q (小米科技有限责任公司): Σ = 999 = 31×32 + 7 → 24 → 'Q'.
    // The company names are as published in public sources, not checked against the registry;
    // the check characters are what the test relies on.
    const PUBLISHED: [&str; 4] = [
        "91350100M000100Y43",
        "914403001922038216",
        "91440300708461136T",
        "91110108551385082Q",
    ];

    #[test]
    fn published_codes_pass() {
        for code in PUBLISHED {
            assert_eq!(check(code).map(|c| c.to_string()), Ok(code.to_string()));
        }
    }

    #[test]
    fn check_char_matches_hand_computation() {
        assert_eq!(check_char("91350100M000100Y4"), Some('3'));
        assert_eq!(check_char("91440300708461136"), Some('T'));
        // Σ = 1643 = 31×53: 31 − 0 = 31, which the standard writes as 0.
        assert_eq!(check_char("92350100M000100Y4"), Some('0'));
        assert!(check("92350100M000100Y40").is_ok());
        assert_eq!(check_char("9135"), None);
        assert_eq!(check_char("91350100M000100O4"), None);
    }

    #[test]
    fn a_published_but_mistyped_code_names_the_expected_check_character() {
        // Circulates online as Tencent's Beijing code; Σ = 1118 = 31×36 + 2 → 29 → 'X', so
        // the '5' at the end is wrong.
        let err = check("911101087178839535").unwrap_err();
        assert_eq!(
            err,
            CreditCodeError::CheckChar {
                expected: 'X',
                given: '5'
            }
        );
        assert_eq!(err.message_zh(), "最后一位校验码应为 X，请核对是否输错");
    }

    #[test]
    fn a_typo_in_each_part_changes_the_check_character() {
        let expect = |code: &str, expected: char| {
            assert_eq!(
                check(code),
                Err(CreditCodeError::CheckChar {
                    expected,
                    given: code.chars().last().unwrap()
                }),
                "{code}"
            );
        };
        // Authority 9 → 5: Σ = 1640 − 4 = 1636 = 31×52 + 24 → '7'.
        expect("51350100M000100Y43", '7');
        // Entity type 1 → 2: Σ = 1640 + 3 = 1643 = 31×53 → '0'.
        expect("92350100M000100Y43", '0');
        // Division 350100 → 350101 (weight 17): Σ = 1657 = 31×53 + 14 → 17 → 'H'.
        expect("91350101M000100Y43", 'H');
        // Organisation code, position 13, 1 → 2 (weight 8): Σ = 1648 = 31×53 + 5 → 'T'.
        expect("91350100M000200Y43", 'T');
        // The check character itself.
        expect("91350100M000100Y44", '3');
    }

    #[test]
    fn letters_the_standard_leaves_out_are_named_with_their_position() {
        let err = check("9135O100M000100Y43").unwrap_err();
        assert_eq!(
            err,
            CreditCodeError::BadChar {
                position: 5,
                ch: 'O'
            }
        );
        assert_eq!(
            err.message_zh(),
            "第 5 位的“O”不是有效字符（信用代码不用 I、O、Z、S、V）"
        );
        assert!(err.message_en().contains("character 5 'O'"));
        let err = check("91350100M000100Y4#").unwrap_err();
        assert_eq!(
            err.message_zh(),
            "第 18 位的“#”不是有效字符（信用代码只含数字和大写字母）"
        );
    }

    #[test]
    fn the_division_code_must_be_digits() {
        let err = check("91A50100M000100Y43").unwrap_err();
        assert_eq!(
            err,
            CreditCodeError::DivisionNotDigits {
                position: 3,
                ch: 'A'
            }
        );
        assert!(err.message_zh().contains("第 3–8 位"));
    }

    #[test]
    fn length_is_counted_after_removing_spaces() {
        assert_eq!(
            check("91350100M000100Y4"),
            Err(CreditCodeError::Length { given: 17 })
        );
        assert_eq!(
            check("91350100M000100Y43 1").unwrap_err().message_zh(),
            "统一社会信用代码应为 18 位，您输入了 19 位"
        );
        assert_eq!(check("   "), Err(CreditCodeError::Empty));
    }

    #[test]
    fn spaces_lower_case_and_full_width_input_are_normalised() {
        let c = check(" 9135 0100 m000 100y43 ").unwrap();
        assert_eq!(c.as_str(), "91350100M000100Y43");
        let c = check("９１３５０１００Ｍ０００１００Ｙ４３").unwrap();
        assert_eq!(c.as_str(), "91350100M000100Y43");
        assert_eq!(c.registration_authority(), '9');
        assert_eq!(c.entity_type(), '1');
        assert_eq!(c.division_code(), "350100");
        assert_eq!(c.organisation_code(), "M000100Y4");
    }
}
