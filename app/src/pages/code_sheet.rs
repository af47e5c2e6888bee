//! The printable sheet of survey codes: one card per code with the server's QR code, the code
//! in large monospace letters, the address and a one-line instruction; on A4 eight cards a
//! page (style/pages.css, @media print). The codes exist in plain text only here, once.

use super::api::IssuedCode;
use crate::ui::i18n::{tr, trf};
use leptos::prelude::*;

/// Codes just issued for a round.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    pub circle_name: String,
    pub codes: Vec<IssuedCode>,
    pub issued: u64,
    pub used: u64,
}

/// The address printed under the QR code: the code's link without the code (shorter to type;
/// the resident types the code on the page).
pub fn typed_url(url: &str) -> String {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let kept: Vec<&str> = query
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("code="))
        .collect();
    let base = base
        .trim_start_matches("https://")
        .trim_start_matches("http://");
    if kept.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", kept.join("&"))
    }
}

#[component]
pub fn CodeSheet(sheet: Sheet, on_back: impl Fn() + Copy + 'static) -> impl IntoView {
    let n = sheet.codes.len();
    let (issued, used) = (sheet.issued, sheet.used);
    let circle = sheet.circle_name.clone();
    let cards = sheet
        .codes
        .into_iter()
        .map(|c| {
            let typed = typed_url(&c.url);
            let code = c.code.clone();
            let url = c.url.clone();
            view! {
                <article class="code-card" data-testid="code-card">
                    <p class="card-title">{tr("居民满意度调查", "Residents' satisfaction survey")}</p>
                    <p class="card-circle">{circle.clone()}</p>
                    <div class="qr" role="img" aria-label=trf!("二维码：{url}", "QR code: {url}") inner_html=c.qr_svg></div>
                    <p class="card-code mono" data-testid="code">{code}</p>
                    <p class="card-url">{typed}</p>
                    <p class="card-instr">{tr(
                        "扫码或打开网址，输入调查码，匿名填写。每个码只能用一次。",
                        "Scan or open the address, enter the code, answer anonymously. Each code works once.",
                    )}</p>
                </article>
            }
        })
        .collect_view();
    view! {
        <section class="code-sheet" data-testid="code-sheet">
            <div class="sheet-tools no-print">
                <h1 id="step-heading" tabindex="-1">{trf!("调查码 {n} 个", "{n} survey codes")}</h1>
                <p class="warn">{tr(
                    "调查码只显示这一次（服务器不保存调查码原文），请现在打印，或在打印窗口中选“另存为 PDF”。",
                    "The codes are shown only now (the server keeps them hashed): print them now, or save as PDF.",
                )}</p>
                <p class="small">{trf!(
                    "本轮共发放 {issued} 个，已使用 {used} 个。A4 纸每页 8 张，沿虚线剪开。",
                    "This round: {issued} issued, {used} used. Eight cards per A4 page; cut along the dashed lines."
                )}</p>
                <p class="actions">
                    <button class="button primary" type="button" data-testid="print"
                        on:click=move |_| { let _ = window().print(); }>
                        {tr("打印", "Print")}
                    </button>
                    <button class="button secondary" type="button" on:click=move |_| on_back()>
                        {tr("返回", "Back")}
                    </button>
                </p>
            </div>
            <div class="code-cards">{cards}</div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::typed_url;

    #[test]
    fn the_typed_address_leaves_out_the_code() {
        assert_eq!(
            typed_url("http://127.0.0.1:8791/survey?circle=changshoulu&code=ABCD-EFGH"),
            "127.0.0.1:8791/survey?circle=changshoulu"
        );
        assert_eq!(
            typed_url("https://x.cn/survey?code=ABCD-EFGH"),
            "x.cn/survey"
        );
        assert_eq!(typed_url("https://x.cn/survey"), "x.cn/survey");
    }
}
