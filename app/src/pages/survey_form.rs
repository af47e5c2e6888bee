//! The resident's form (`/survey?circle=ID[&code=XXXX-XXXX]`), made for elderly residents on a
//! cheap phone: an intro with the anonymity promise, then one question per screen with large
//! tap targets and the progress in words and as a bar, back/next, required answers enforced
//! with the domain's message, a check screen, and a submission that survives a lost network
//! (`outbox`). Code rounds ask for the code first (or take it from the link); open rounds send
//! the phone's own random token instead.

use super::api::{self, CircleName, Named, RoundInfo, RulesView};
use super::draft::{self, Body, Draft};
use super::load::load;
use super::outbox::{self, Entry, Outbox, Status};
use super::random_id;
use super::shell::{focus_soon, Failed, Loading};
use crate::domain::survey::{Answer, Answers, Question, QuestionKind, Questionnaire};
use crate::ui::i18n::{is_en, pick, tr, trf};
use crate::ui::storage;
use leptos::prelude::*;
use std::sync::Arc;

#[derive(Clone)]
struct Loaded {
    circle: CircleName,
    round: Option<RoundInfo>,
    qn: Arc<Questionnaire>,
    rules: Arc<RulesView>,
}

const HEADING: &str = "step-heading";

fn done_key(round: i64) -> String {
    format!("bianmin.survey.done.{round}")
}

#[component]
pub fn SurveyPage() -> impl IntoView {
    // What was queued before this page loaded: shown as "being sent", not as a fresh form.
    let queued_at_load = outbox::entries();
    let outbox = Outbox::start();
    let online = crate::ui::offline::online_signal(|| {});
    let data = RwSignal::new(None);
    let fetch = move || {
        load(data, async {
            let circle = api::circle_id().await?;
            let (qn, survey, rules) = futures::try_join!(
                api::questionnaire(),
                api::circle_survey(&circle),
                api::rules()
            )?;
            Ok(Loaded {
                circle: survey.circle,
                round: survey.round,
                qn: Arc::new(qn),
                rules: Arc::new(rules),
            })
        })
    };
    fetch();
    view! {
        <main class="page survey-page" id="main">
            <NetworkState online failing=outbox.failing />
            {move || match data.get() {
                None => view! { <Loading text=tr("正在打开调查问卷…", "Opening the survey…") /> }.into_any(),
                Some(Err(e)) => view! {
                    <Failed error=e retry=move || {
                        data.set(None);
                        fetch();
                    } />
                }
                .into_any(),
                Some(Ok(d)) => match d.round {
                    None => view! { <NoRound circle=d.circle /> }.into_any(),
                    Some(round) => {
                        let pending = queued_at_load
                            .iter()
                            .rfind(|e| e.circle == d.circle.id && e.round == round.id)
                            .map(|e| e.client_id.clone());
                        view! {
                            <Form circle=d.circle round qn=d.qn rules=d.rules outbox pending />
                        }
                        .into_any()
                    }
                },
            }}
        </main>
    }
}

/// Offline, or the server not answering: said at the top, so the resident knows why the
/// answer waits on the phone.
#[component]
fn NetworkState(online: ReadSignal<bool>, failing: RwSignal<bool>) -> impl IntoView {
    let text = move || {
        if !online.get() {
            Some(tr(
                "现在没有网络 · 答案会先保存在手机上，联网后自动提交",
                "Offline · answers are kept on this phone and sent when the network is back",
            ))
        } else if failing.get() {
            Some(tr(
                "网络不稳定 · 答案已保存在手机上，会自动重试",
                "Weak network · your answer is kept on this phone and retried automatically",
            ))
        } else {
            None
        }
    };
    view! {
        <p class="net-banner" role="status" data-testid="network-state" class:is-shown=move || text().is_some()>
            {text}
        </p>
    }
}

#[component]
fn NoRound(circle: CircleName) -> impl IntoView {
    let id = circle.id.clone();
    let name = circle.name();
    view! {
        <div class="state" data-testid="no-round">
            <h1 class="state-title">{tr("目前没有进行中的调查", "No survey is running now")}</h1>
            <p>{trf!(
                "{name}现在没有开展居民满意度调查。社区开展调查时，可以在这里填写。",
                "{name} has no satisfaction survey running now. When the community runs one, you can answer here."
            )}</p>
            <p class="actions">
                <a class="button primary" href="/">{tr("返回便民地图", "Back to the map")}</a>
                <a class="button secondary" href=format!("/indicators?circle={}", api::seg(&id))>
                    {tr("查看以往调查结果", "Results of past surveys")}
                </a>
            </p>
        </div>
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Screen {
    Code,
    Intro,
    Question(usize),
    Review,
    Result,
    /// Open round, this phone has answered it already.
    AlreadyDone,
}

#[component]
fn Form(
    circle: CircleName,
    round: RoundInfo,
    qn: Arc<Questionnaire>,
    rules: Arc<RulesView>,
    outbox: Outbox,
    pending: Option<String>,
) -> impl IntoView {
    let n = qn.questions.len();
    let round_id = round.id;
    let open_mode = round.open_mode;
    let version = round.questionnaire_version;
    let draft = Draft::load(round_id);
    let param = crate::ui::route::query_param("code").filter(|c| !c.trim().is_empty());
    let from_param = param.as_deref().and_then(draft::normalise_code);
    let initial_code = from_param
        .clone()
        .or_else(|| draft.as_ref().and_then(|d| draft::normalise_code(&d.code)));
    let code = RwSignal::new(initial_code.clone());
    let code_text = RwSignal::new(initial_code.clone().or(param.clone()).unwrap_or_default());
    let answers = RwSignal::new(draft.map(|d| d.answers).unwrap_or_default());
    let current = RwSignal::new(pending.clone());
    let saved_on_phone = RwSignal::new(true);
    let error = RwSignal::new(None::<String>);
    let from_review = RwSignal::new(false);
    let bad_code_text = tr(
        "调查码是 8 位字母和数字，格式如 ABCD-EFGH，请核对后重新输入",
        "A survey code has 8 letters and digits, like ABCD-EFGH; please check it",
    );
    let initial = if pending.is_some() {
        Screen::Result
    } else if open_mode && storage::get(&done_key(round_id)).is_some() {
        Screen::AlreadyDone
    } else if !open_mode && initial_code.is_none() {
        if param.is_some() {
            error.set(Some(bad_code_text.into()));
        }
        Screen::Code
    } else {
        Screen::Intro
    };
    let screen = RwSignal::new(initial);
    let qn = StoredValue::new(qn);
    let rules = StoredValue::new(rules);
    let circle_id = StoredValue::new(circle.id.clone());

    // The draft follows every answer, so a reload (even offline) resumes where it was.
    Effect::new(move |_| {
        let a = answers.get();
        let c = code.get();
        if a.is_empty() && c.is_none() {
            return;
        }
        Draft {
            round: round_id,
            code: c.unwrap_or_default(),
            answers: a,
        }
        .save();
    });

    let status = Memo::new(move |_| current.get().and_then(|id| outbox.status(&id)));
    // An open round answered from this phone is remembered (the server says so too).
    Effect::new(move |_| {
        if open_mode && matches!(status.get(), Some(Status::Sent { .. })) {
            storage::set(&done_key(round_id), "1");
        }
    });

    let go = move |s: Screen| {
        error.set(None);
        screen.set(s);
        focus_soon(HEADING);
    };
    let show_error = move |zh: &str, en: &str| {
        error.set(Some(if is_en() {
            en.to_string()
        } else {
            zh.to_string()
        }));
        reveal_error();
    };
    let next = move |i: usize| {
        let q = qn.with_value(|qn| qn.questions[i].clone());
        if let Some(e) = answers.with_untracked(|a| draft::step_error(&q, a)) {
            show_error(&e.zh, &e.en);
            return;
        }
        if from_review.get_untracked() || i + 1 >= n {
            from_review.set(false);
            go(Screen::Review);
        } else {
            go(Screen::Question(i + 1));
        }
    };
    let back = move |i: usize| {
        from_review.set(false);
        go(if i == 0 {
            Screen::Intro
        } else {
            Screen::Question(i - 1)
        });
    };
    let submit = move || {
        let a = answers.get_untracked();
        if let Some((i, e)) = qn.with_value(|qn| draft::first_error(qn, &a)) {
            from_review.set(true);
            go(Screen::Question(i));
            show_error(&e.zh, &e.en);
            return;
        }
        let cant = tr(
            "这个浏览器无法安全地生成编号，请换用手机自带的浏览器或微信打开",
            "This browser cannot make a secure id; please open the survey in another browser",
        );
        let Some(client_id) = random_id::client_id() else {
            error.set(Some(cant.into()));
            return;
        };
        let device = if open_mode {
            match random_id::device_token() {
                Some(t) => Some(t),
                None => {
                    error.set(Some(cant.into()));
                    return;
                }
            }
        } else {
            None
        };
        let code_now = if open_mode {
            None
        } else {
            code.get_untracked()
        };
        let sent = qn.with_value(|qn| draft::to_send(qn, &a));
        let body = Body {
            client_id: &client_id,
            round: round_id,
            questionnaire_version: version,
            code: code_now.as_deref(),
            device: device.as_deref(),
            answers: &sent,
        }
        .to_json();
        current.set(Some(client_id.clone()));
        let saved = outbox.send(Entry {
            client_id,
            circle: circle_id.get_value(),
            round: round_id,
            body,
        });
        saved_on_phone.set(saved);
        Draft::clear();
        go(Screen::Result);
    };
    // After a refusal about the code: a new code, then straight back to the check screen.
    let enter_code = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match draft::normalise_code(&code_text.get_untracked()) {
            Some(c) => {
                code_text.set(c.clone());
                code.set(Some(c));
                let answered = answers.with_untracked(|a| !a.is_empty());
                go(if answered {
                    Screen::Review
                } else {
                    Screen::Intro
                });
            }
            None => {
                error.set(Some(bad_code_text.into()));
                focus_soon("code-input");
            }
        }
    };
    let start_again = move || {
        answers.set(Answers::new());
        code.set(None);
        code_text.set(String::new());
        current.set(None);
        go(Screen::Code);
    };

    let progress = move || match screen.get() {
        Screen::Question(i) => {
            let k = i + 1;
            trf!("第 {k} 题 / 共 {n} 题", "Question {k} of {n}")
        }
        Screen::Review => trf!(
            "{n} 题都看过了，请检查后提交",
            "All {n} questions seen: check and submit"
        ),
        _ => String::new(),
    };
    let error_view = move || {
        error.get().map(|e| {
            view! { <p class="step-error" role="alert" data-testid="step-error">{e}</p> }
        })
    };
    let title = qn.with_value(|q| pick(&q.title_zh, &q.title_en).to_string());
    let intro = qn.with_value(|q| pick(&q.intro_zh, &q.intro_en).to_string());
    let circle_name = circle.name();
    let opened = round.opened_on.clone();

    let screen_view = move || {
        match screen.get() {
        Screen::Code => view! {
            <form class="screen code-screen" on:submit=enter_code novalidate>
                <h1 id=HEADING tabindex="-1">{tr("请输入调查码", "Enter your survey code")}</h1>
                <p class="lead">{title.clone()}</p>
                <p id="code-hint">{tr(
                    "调查码印在社区发放的卡片上，共 8 位字母和数字，格式如 XXXX-XXXX。每个码只能用一次。",
                    "The code is on the card from your community: 8 letters and digits, like XXXX-XXXX. Each code works once.",
                )}</p>
                <label class="field-label" for="code-input">{tr("调查码", "Survey code")}</label>
                <input id="code-input" class="code-input" type="text" data-testid="code-input"
                    autocomplete="off" autocapitalize="characters" spellcheck="false"
                    placeholder="XXXX-XXXX" maxlength="12" aria-describedby="code-hint"
                    prop:value=move || code_text.get()
                    on:input=move |ev| code_text.set(event_target_value(&ev)) />
                {error_view}
                <button class="button primary big" type="submit">{tr("下一步", "Next")}</button>
                <p class="small">{tr(
                    "没有调查码？请联系社区居委会或工作人员领取。",
                    "No code? Ask your residents' committee or the survey staff.",
                )}</p>
            </form>
        }
        .into_any(),
        Screen::Intro => {
            let resume = answers.with_untracked(|a| !a.is_empty());
            let code_line = (!open_mode).then(|| {
                view! {
                    <p class="code-line">
                        {tr("调查码：", "Survey code: ")}
                        <strong class="mono" data-testid="code-shown">{move || code.get().unwrap_or_default()}</strong>
                        <button class="link-button" type="button" on:click=move |_| go(Screen::Code)>
                            {tr("更换", "Change")}
                        </button>
                    </p>
                }
            });
            view! {
                <section class="screen intro-screen">
                    <p class="eyebrow">{circle_name.clone()}</p>
                    <h1 id=HEADING tabindex="-1">{title.clone()}</h1>
                    <p class="lead">{intro.clone()}</p>
                    <ul class="promise-list">
                        <li>{tr("匿名填写：不问姓名、电话和详细住址", "Anonymous: no name, phone or address")}</li>
                        <li>{tr("不记录 IP 地址和手机型号，提交时间只记到日期", "No IP address or phone model is kept; only the day of the answer")}</li>
                        <li>{trf!("共 {n} 题，约 2 分钟；标“必答”的题要回答，其余可以跳过", "{n} questions, about 2 minutes; those marked 'required' need an answer")}</li>
                        <li>{tr("没有网络也能提交：答案先存在手机上，联网后自动发送", "Works offline: the answer waits on the phone and is sent when the network is back")}</li>
                    </ul>
                    {code_line}
                    <p class="small">{trf!("本轮调查 {opened} 开始", "This round opened on {opened}")}</p>
                    <button class="button primary big" type="button" data-testid="start"
                        on:click=move |_| go(Screen::Question(0))>
                        {if resume { tr("继续填写", "Continue") } else { tr("开始填写", "Start") }}
                    </button>
                </section>
            }
            .into_any()
        }
        Screen::Question(i) => {
            let q = qn.with_value(|qn| qn.questions[i].clone());
            let body = qn.with_value(|qv| rules.with_value(|r| answer_input(&q, qv, r, answers, error)));
            let q2 = q.clone();
            let is_answered = move || answers.with(|a| draft::answered(&q2, a));
            let required = q.required;
            let primary = move || {
                if from_review.get() {
                    tr("保存，回到检查页", "Save and back to the check")
                } else if !required && !is_answered() {
                    tr("跳过", "Skip")
                } else if i + 1 >= n {
                    tr("下一步：检查答案", "Next: check answers")
                } else {
                    tr("下一题", "Next")
                }
            };
            let pct = (i + 1) * 100 / n;
            view! {
                <section class="screen question-screen" data-testid="question" data-question=q.id.clone()>
                    <div class="progress-bar" aria-hidden="true">
                        <span style=format!("width:{pct}%")></span>
                    </div>
                    <p class="q-kind">
                        {if required {
                            view! { <span class="tag tag-required">{tr("必答", "Required")}</span> }.into_any()
                        } else {
                            view! { <span class="tag">{tr("选答，可跳过", "Optional")}</span> }.into_any()
                        }}
                    </p>
                    <h1 id=HEADING tabindex="-1" class="question-text">{pick(&q.zh, &q.en).to_string()}</h1>
                    {body}
                    {error_view}
                    <div class="step-nav">
                        <button class="button secondary" type="button" on:click=move |_| back(i)>
                            {tr("上一题", "Back")}
                        </button>
                        <button class="button primary" type="button" data-testid="next" on:click=move |_| next(i)>
                            {primary}
                        </button>
                    </div>
                </section>
            }
            .into_any()
        }
        Screen::Review => {
            let items = qn.with_value(|qv| {
                rules.with_value(|r| {
                    qv.questions
                        .iter()
                        .enumerate()
                        .map(|(i, q)| {
                            let text = answers.with_untracked(|a| {
                                a.get(&q.id)
                                    .filter(|_| draft::answered(q, a))
                                    .map(|ans| draft::answer_text(q, ans, qv, r))
                            });
                            let k = i + 1;
                            let empty = text.is_none();
                            view! {
                                <li class="review-item">
                                    <p class="review-q">{format!("{k}. ")}{pick(&q.zh, &q.en).to_string()}</p>
                                    <p class="review-a" class:is-empty=empty>
                                        {text.unwrap_or_else(|| tr("未回答", "Not answered").to_string())}
                                    </p>
                                    <button class="link-button" type="button"
                                        aria-label=trf!("修改第 {k} 题", "Change answer {k}")
                                        on:click=move |_| {
                                            from_review.set(true);
                                            go(Screen::Question(i));
                                        }>
                                        {tr("修改", "Change")}
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()
                })
            });
            let code_item = (!open_mode).then(|| {
                view! {
                    <p class="code-line">
                        {tr("调查码：", "Survey code: ")}
                        <strong class="mono">{move || code.get().unwrap_or_default()}</strong>
                        <button class="link-button" type="button" on:click=move |_| go(Screen::Code)>
                            {tr("更换", "Change")}
                        </button>
                    </p>
                }
            });
            view! {
                <section class="screen review-screen">
                    <h1 id=HEADING tabindex="-1">{tr("请检查您的回答", "Check your answers")}</h1>
                    <p class="lead">{tr(
                        "确认无误后点“提交”。提交后不能再修改。",
                        "If all is right, tap Submit. Answers cannot be changed after that.",
                    )}</p>
                    {code_item}
                    <ol class="review-list">{items}</ol>
                    {error_view}
                    <p class="small">{tr(
                        "匿名提交：不记录姓名、电话、住址和 IP 地址。",
                        "Anonymous: no name, phone, address or IP address is kept.",
                    )}</p>
                    <button class="button primary big" type="button" data-testid="submit" on:click=move |_| submit()>
                        {tr("提交", "Submit")}
                    </button>
                    <button class="button secondary wide" type="button" on:click=move |_| go(Screen::Question(n - 1))>
                        {tr("上一题", "Back")}
                    </button>
                </section>
            }
            .into_any()
        }
        Screen::Result => view! {
            <section class="screen result-screen" aria-live="polite" data-testid="result">
                {move || result_view(status.get(), saved_on_phone.get(), open_mode, outbox, ResultActions {
                    new_code: move || {
                        code.set(None);
                        go(Screen::Code);
                    },
                    fix: move |question: Option<String>| {
                        let i = question
                            .and_then(|id| qn.with_value(|q| q.questions.iter().position(|x| x.id == id)));
                        match i {
                            Some(i) => {
                                from_review.set(true);
                                go(Screen::Question(i));
                            }
                            None => go(Screen::Review),
                        }
                    },
                    again: start_again,
                }, circle_id.get_value())}
            </section>
        }
        .into_any(),
        Screen::AlreadyDone => view! {
            <section class="screen result-screen">
                <h1 id=HEADING tabindex="-1">{tr("这台手机已经提交过本轮调查", "This phone has answered this round")}</h1>
                <p class="lead">{tr("谢谢您的参与！每台手机每轮只能填写一次。", "Thank you! Each phone answers once per round.")}</p>
                <Links circle=circle_id.get_value() />
            </section>
        }
        .into_any(),
    }
    };

    view! {
        <div class="survey">
            <p class="progress-text" aria-live="polite" data-testid="progress">{progress}</p>
            {screen_view}
        </div>
    }
}

struct ResultActions<A, B, C> {
    new_code: A,
    fix: B,
    again: C,
}

fn result_view<A, B, C>(
    status: Option<Status>,
    saved: bool,
    open_mode: bool,
    outbox: Outbox,
    actions: ResultActions<A, B, C>,
    circle: String,
) -> AnyView
where
    A: Fn() + Copy + Send + Sync + 'static,
    B: Fn(Option<String>) + Copy + Send + Sync + 'static,
    C: Fn() + Copy + Send + Sync + 'static,
{
    let ResultActions {
        new_code,
        fix,
        again,
    } = actions;
    match status {
        None | Some(Status::Sending) => view! {
            <h1 id=HEADING tabindex="-1">{tr("正在提交…", "Sending…")}</h1>
            <p class="lead">{tr("答案已保存在手机上，正在发送。", "Your answer is saved on this phone and being sent.")}</p>
        }
        .into_any(),
        Some(Status::Waiting { offline }) => {
            let why = if offline {
                tr("现在没有网络。", "There is no network right now.")
            } else {
                tr("网络不好，暂时连不上服务器。", "The network is weak; the server cannot be reached now.")
            };
            let kept = if saved {
                tr(
                    "不用再填一次。联网后会自动发送，下次打开本页也会自动发送。请不要清除浏览器数据。",
                    "No need to answer again. It is sent automatically when the network is back, or the next time you open this page. Please do not clear the browser's data.",
                )
            } else {
                tr(
                    "这个浏览器不能长期保存，请先不要关闭本页，联网后会自动发送。",
                    "This browser cannot keep it for long: keep this page open; it is sent when the network is back.",
                )
            };
            view! {
                <h1 id=HEADING tabindex="-1" data-testid="queued">
                    {if saved {
                        tr("已保存在手机上，联网后自动提交", "Saved on this phone; sent automatically when online")
                    } else {
                        tr("答案暂存在本页，联网后自动提交", "Kept on this page; sent automatically when online")
                    }}
                </h1>
                <p class="lead">{why}</p>
                <p>{kept}</p>
                <button class="button secondary wide" type="button" on:click=move |_| outbox.flush()>
                    {tr("现在重试", "Try now")}
                </button>
            }
            .into_any()
        }
        Some(Status::Sent { responses, again: twice }) => view! {
            <h1 id=HEADING tabindex="-1" data-testid="thanks">{tr("提交成功，谢谢您！", "Sent. Thank you!")}</h1>
            <p class="lead">{trf!(
                "您的回答已经收到。本轮调查目前共收到 {responses} 份回答。",
                "Your answer has arrived. This round has {responses} answers so far."
            )}</p>
            {twice.then(|| view! {
                <p class="small">{tr("（之前发送的答案已经到达，没有重复计算。）", "(An earlier try had arrived; it is counted once.)")}</p>
            })}
            {(!open_mode).then(|| view! {
                <button class="button secondary wide" type="button" on:click=move |_| again()>
                    {tr("家人用另一个调查码再填一份", "Another answer with another code")}
                </button>
            })}
            <Links circle />
        }
        .into_any(),
        Some(Status::Refused(e)) => {
            let code_problem = e.code.starts_with("code_");
            let question = e.question.clone();
            let action = if code_problem {
                view! {
                    <button class="button primary wide" type="button" on:click=move |_| new_code()>
                        {tr("输入其他调查码", "Enter another code")}
                    </button>
                }
                .into_any()
            } else if e.code.starts_with("answer_") || e.code == "invalid_answer" || e.code == "unknown_question" {
                view! {
                    <button class="button primary wide" type="button" on:click=move |_| fix(question.clone())>
                        {tr("去修改", "Fix it")}
                    </button>
                }
                .into_any()
            } else {
                ().into_any()
            };
            view! {
                <h1 id=HEADING tabindex="-1">{tr("没有提交成功", "Not sent")}</h1>
                <p class="step-error" role="alert" data-testid="refused">{e.text()}</p>
                {action}
                <Links circle />
            }
            .into_any()
        }
    }
}

/// Scrolls the screen's message into view once drawn (not hidden under the buttons at the
/// bottom; `scroll-margin` in style/pages.css leaves room for them).
fn reveal_error() {
    request_animation_frame(|| {
        if let Ok(Some(el)) = document().query_selector(".step-error") {
            let opts = web_sys::ScrollIntoViewOptions::new();
            opts.set_block(web_sys::ScrollLogicalPosition::Nearest);
            el.scroll_into_view_with_scroll_into_view_options(&opts);
        }
    });
}

#[component]
fn Links(circle: String) -> impl IntoView {
    view! {
        <p class="actions">
            <a class="button secondary" href=format!("/indicators?circle={}", api::seg(&circle))>
                {tr("查看满意度指标", "See the results")}
            </a>
            <a class="button secondary" href="/">{tr("返回便民地图", "Back to the map")}</a>
        </p>
    }
}

/// The answer control of one question: five (or the options') big choices, category chips, or
/// a text box with a character count.
fn answer_input(
    q: &Question,
    qn: &Questionnaire,
    rules: &RulesView,
    answers: RwSignal<Answers>,
    error: RwSignal<Option<String>>,
) -> AnyView {
    let id = q.id.clone();
    match q.kind {
        QuestionKind::Scale | QuestionKind::Choice => {
            let opts: Vec<(Answer, String)> = if q.kind == QuestionKind::Scale {
                qn.scale
                    .options
                    .iter()
                    .map(|o| (Answer::Scale(o.value), pick(&o.zh, &o.en).to_string()))
                    .collect()
            } else {
                q.options
                    .iter()
                    .map(|o| (Answer::Text(o.code.clone()), pick(&o.zh, &o.en).to_string()))
                    .collect()
            };
            let name = format!("q-{id}");
            let items = opts
                .into_iter()
                .map(|(value, label)| {
                    let (id1, v1) = (id.clone(), value.clone());
                    let checked = move || answers.with(|a| a.get(&id1) == Some(&v1));
                    let (id2, v2) = (id.clone(), value);
                    let selected = checked.clone();
                    view! {
                        <label class="option" class:is-selected=selected>
                            <input type="radio" name=name.clone() prop:checked=checked
                                on:change=move |_| {
                                    error.set(None);
                                    answers.update(|a| {
                                        a.insert(id2.clone(), v2.clone());
                                    });
                                } />
                            <span class="option-mark" aria-hidden="true"></span>
                            <span class="option-text">{label}</span>
                        </label>
                    }
                })
                .collect_view();
            view! {
                <div class="options" role="radiogroup" aria-labelledby=HEADING>{items}</div>
            }
            .into_any()
        }
        QuestionKind::Categories => categories_input(q, rules, answers, error),
        QuestionKind::Text => {
            let max = draft::max_chars(q);
            let (id1, id2) = (id.clone(), id);
            let text = move || {
                answers.with(|a| match a.get(&id1) {
                    Some(Answer::Text(t)) => t.clone(),
                    _ => String::new(),
                })
            };
            let count = {
                let text = text.clone();
                move || {
                    let len = text().chars().count();
                    trf!("{len} / {max} 字", "{len} / {max} characters")
                }
            };
            view! {
                <textarea class="text-answer" rows="6" maxlength=max aria-labelledby=HEADING
                    aria-describedby="char-count" data-testid="text-answer"
                    placeholder=tr("可以不填。写下您的想法，例如希望增加哪些网点。", "Optional. For example, which outlets you would like nearby.")
                    prop:value=text
                    on:input=move |ev| {
                        error.set(None);
                        let t = event_target_value(&ev);
                        answers.update(|a| {
                            if t.is_empty() {
                                a.remove(&id2);
                            } else {
                                a.insert(id2.clone(), Answer::Text(t));
                            }
                        });
                    }></textarea>
                <p id="char-count" class="char-count">{count}</p>
            }
            .into_any()
        }
    }
}

/// Category picks as large toggle chips, grouped as in the rules, at most `max_choices`.
fn categories_input(
    q: &Question,
    rules: &RulesView,
    answers: RwSignal<Answers>,
    error: RwSignal<Option<String>>,
) -> AnyView {
    let id = q.id.clone();
    let max = q.max_choices;
    let note = RwSignal::new(None::<String>);
    let id0 = id.clone();
    let count = move || {
        answers.with(|a| match a.get(&id0) {
            Some(Answer::Picks(p)) => p.len(),
            _ => 0,
        })
    };
    let counter = move || {
        let k = count();
        match max {
            Some(m) => trf!("已选 {k} / {m}", "{k} of {m} chosen"),
            None => trf!("已选 {k} 项", "{k} chosen"),
        }
    };
    // Groups in the order their first category appears in the rules.
    let mut groups: Vec<(String, Vec<&crate::domain::rules::Category>)> = Vec::new();
    for c in &rules.categories {
        match groups.iter_mut().find(|(g, _)| *g == c.group) {
            Some((_, list)) => list.push(c),
            None => groups.push((c.group.clone(), vec![c])),
        }
    }
    let sets = groups
        .into_iter()
        .map(|(g, cats)| {
            let legend = rules
                .groups
                .get(&g)
                .map_or(g.clone(), |x| pick(&x.name_zh, &x.name_en).to_string());
            let chips = cats
                .into_iter()
                .map(|c| {
                    let code = c.code.clone();
                    let (id1, code1) = (id.clone(), code.clone());
                    let on = move || {
                        answers.with(|a| {
                            matches!(a.get(&id1), Some(Answer::Picks(p)) if p.contains(&code1))
                        })
                    };
                    let id2 = id.clone();
                    let is_on = on.clone();
                    view! {
                        <label class="chip" class:is-on=is_on>
                            <input type="checkbox" prop:checked=on
                                on:change=move |ev| {
                                    error.set(None);
                                    let mut ok = true;
                                    answers.update(|a| {
                                        let mut picks = match a.remove(&id2) {
                                            Some(Answer::Picks(p)) => p,
                                            _ => Vec::new(),
                                        };
                                        ok = draft::toggle_pick(&mut picks, &code, max);
                                        if !picks.is_empty() {
                                            a.insert(id2.clone(), Answer::Picks(picks));
                                        }
                                    });
                                    if ok {
                                        note.set(None);
                                    } else {
                                        if let Some(input) = ev
                                            .target()
                                            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(t).ok())
                                        {
                                            input.set_checked(false);
                                        }
                                        let m = max.unwrap_or(0);
                                        note.set(Some(trf!(
                                            "最多选 {m} 项。要选这一项，请先取消一项。",
                                            "At most {m}. To choose this one, first untick another."
                                        )));
                                    }
                                } />
                            <span class="chip-glyph" style=format!("background:{}", c.color) aria-hidden="true">
                                {c.glyph.clone()}
                            </span>
                            <span class="chip-name">{pick(&c.name_zh, &c.name_en).to_string()}</span>
                            <span class="chip-check" aria-hidden="true"></span>
                        </label>
                    }
                })
                .collect_view();
            view! {
                <fieldset class="chip-group">
                    <legend>{legend}</legend>
                    <div class="chips">{chips}</div>
                </fieldset>
            }
        })
        .collect_view();
    view! {
        // The count and the "at most" note stay in sight while the chips scroll under them.
        <div class="pick-status">
            <p class="pick-count" aria-live="polite" data-testid="pick-count">{counter}</p>
            {move || note.get().map(|t| view! { <p class="pick-note" role="alert">{t}</p> })}
        </div>
        <div class="pick-groups" role="group" aria-labelledby=HEADING>{sets}</div>
    }
    .into_any()
}
