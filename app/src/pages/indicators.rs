//! The indicator page (`/indicators?circle=ID[&round=N]`, public): one round's 业态满意率,
//! 服务满意率 and 综合满意度 against the 90% goal with their 好不好 points, the responses
//! against the 3% sample, every question's answers, what residents miss and use most, and the
//! rates by age band. Readable on a phone, printable on A4 (style/pages.css, @media print).

use super::api::{self, ApiError, IndicatorsAnswer, Named, RoundInfo, RulesView};
use super::charts::{level_class, percent_text, Bar, BarList, GoalBar, SampleBar};
use super::load::load;
use super::shell::{Failed, Loading, STAFF_KEY};
use crate::domain::survey::indicators::Score;
use crate::domain::survey::{Indicators, QuestionKind};
use crate::ui::i18n::{pick, tr, trf};
use leptos::prelude::*;

#[derive(Clone)]
struct Loaded {
    circle: String,
    answer: IndicatorsAnswer,
    rounds: Vec<RoundInfo>,
    rules: RulesView,
    /// The scale's values counted as satisfied (满意, 比较满意): marked ✓ on the bars.
    satisfied: Vec<u8>,
}

/// "第 2 轮": rounds are numbered per circle, oldest first (the API lists newest first).
fn round_number(rounds: &[RoundInfo], id: i64) -> Option<usize> {
    let i = rounds.iter().position(|r| r.id == id)?;
    Some(rounds.len() - i)
}

pub fn round_line(r: &RoundInfo, number: Option<usize>) -> String {
    let n = number.map_or_else(String::new, |n| trf!("第 {n} 轮 · ", "Round {n} · "));
    let opened = &r.opened_on;
    let state = match &r.closed_on {
        None => trf!("{opened} 开始，进行中", "since {opened}, open"),
        Some(closed) => trf!(
            "{opened} 至 {closed}，已结束",
            "{opened} to {closed}, closed"
        ),
    };
    let pop = group_digits(r.population);
    trf!(
        "{n}{state} · 服务人口 {pop} 人",
        "{n}{state} · population {pop}"
    )
}

/// 12000 → "12,000".
pub fn group_digits(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Writes the round into the address bar (a reload or a shared link shows the same round).
fn remember_round(circle: &str, round: i64) {
    let url = format!("/indicators?circle={}&round={round}", api::seg(circle));
    if let Ok(h) = window().history() {
        let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

#[component]
pub fn IndicatorsPage() -> impl IntoView {
    let round =
        RwSignal::new(crate::ui::route::query_param("round").and_then(|r| r.parse::<i64>().ok()));
    let data = RwSignal::new(None);
    let fetch = move || {
        let asked = round.get_untracked();
        data.set(None);
        leptos::task::spawn_local(async move {
            let answer = fetch_round(asked).await;
            // A newer choice of round may have been made meanwhile: its answer wins.
            if round.get_untracked() == asked {
                data.set(Some(answer));
            }
        });
    };
    fetch();
    // CSV links for staff: asked only on a phone where someone logged in (no 401 for residents).
    let staff = RwSignal::new(None);
    if crate::ui::storage::get(STAFF_KEY).is_some() {
        load(staff, api::me());
    }
    let logged_in = move || matches!(staff.get(), Some(Ok(_)));
    let on_round = move |id: i64| {
        round.set(Some(id));
        fetch();
    };

    view! {
        <main class="page indicators-page" id="main">
            {move || match data.get() {
                None => view! { <Loading text=tr("正在读取满意度指标…", "Loading the indicators…") /> }.into_any(),
                Some(Err(e)) if e.code == "no_round" => view! { <NoSurveyYet error=e /> }.into_any(),
                Some(Err(e)) => view! {
                    <Failed error=e retry=fetch />
                }
                .into_any(),
                Some(Ok(d)) => {
                    view! { <Report d on_round logged_in=Signal::derive(logged_in) /> }.into_any()
                }
            }}
        </main>
    }
}

/// No round yet in this circle: said plainly, with the way back.
#[component]
fn NoSurveyYet(error: ApiError) -> impl IntoView {
    view! {
        <div class="state" data-testid="no-survey-yet">
            <h1 class="state-title">{tr("还没有调查结果", "No results yet")}</h1>
            <p>{error.text()}</p>
            <p class="actions">
                <a class="button secondary" href="/">{tr("返回便民地图", "Back to the map")}</a>
            </p>
        </div>
    }
}

/// The round's indicators with what the page shows around them.
async fn fetch_round(round: Option<i64>) -> Result<Loaded, ApiError> {
    let circle = api::circle_id().await?;
    let (answer, rounds, rules, questionnaire) = futures::try_join!(
        api::indicators(&circle, round),
        api::rounds(&circle),
        api::rules(),
        api::questionnaire()
    )?;
    Ok(Loaded {
        circle,
        answer,
        rounds,
        rules,
        satisfied: questionnaire.scale.satisfied,
    })
}

#[component]
fn Report(
    d: Loaded,
    on_round: impl Fn(i64) + Copy + 'static,
    logged_in: Signal<bool>,
) -> impl IntoView {
    let Loaded {
        circle,
        answer,
        rounds,
        rules,
        satisfied,
    } = d;
    let IndicatorsAnswer {
        circle: name,
        round,
        indicators: ind,
    } = answer;

    let number = round_number(&rounds, round.id);
    let line = round_line(&round, number);
    let circle_for_picker = circle.clone();
    let picker = (rounds.len() > 1).then(|| {
        let options = rounds
            .iter()
            .map(|r| {
                let n = round_number(&rounds, r.id).unwrap_or(0);
                let opened = &r.opened_on;
                let text = trf!("第 {n} 轮（{opened} 开始）", "Round {n} (from {opened})");
                view! { <option value=r.id.to_string() selected=r.id == round.id>{text}</option> }
            })
            .collect_view();
        view! {
            <label class="round-picker no-print">
                <span>{tr("调查轮次", "Survey round")}</span>
                <select data-testid="round-picker"
                    on:change=move |ev| {
                        if let Ok(id) = event_target_value(&ev).parse() {
                            remember_round(&circle_for_picker, id);
                            on_round(id);
                        }
                    }>
                    {options}
                </select>
            </label>
        }
    });
    let points_rule = points_rule(&rules);
    let csv_links = {
        let circle = circle.clone();
        let id = round.id;
        move || {
            logged_in.get().then(|| {
                view! {
                    <section class="card staff-links no-print" data-testid="csv-links">
                        <h2>{tr("工作人员：导出数据", "Staff: export")}</h2>
                        <p class="links">
                            <a class="button secondary" href=api::csv_url(&circle, "responses", id) download="">
                                {tr("下载原始答卷（CSV）", "Raw answers (CSV)")}
                            </a>
                            <a class="button secondary" href=api::csv_url(&circle, "indicators", id) download="">
                                {tr("下载指标（CSV）", "Indicators (CSV)")}
                            </a>
                        </p>
                    </section>
                }
            })
        }
    };
    let circle_for_links = circle.clone();
    view! {
        <header class="report-head">
            <p class="eyebrow">{tr("居民满意度指标", "Residents' satisfaction")}</p>
            <h1 data-testid="indicators-title">{name.name()}</h1>
            <p class="round-line" data-testid="round-line">{line}</p>
            <div class="head-actions no-print">
                {picker}
                <button class="button secondary" type="button" on:click=move |_| {
                    let _ = window().print();
                }>{tr("打印", "Print")}</button>
            </div>
        </header>
        <Sample ind=ind.clone() />
        <section class="figures" aria-label=tr("三项满意度", "The three rates")>
            <Figure
                title=tr("业态满意率", "Business satisfaction")
                note=tr("好不好 第 2 项", "Item 2")
                score=ind.business.clone()
                goal=ind.target_percent
                points=Some((ind.max_points, ind.sample_valid))
                testid="figure-business"
            />
            <Figure
                title=tr("服务满意率", "Service satisfaction")
                note=tr("好不好 第 3 项", "Item 3")
                score=ind.service.clone()
                goal=ind.target_percent
                points=Some((ind.max_points, ind.sample_valid))
                testid="figure-service"
            />
            <Figure
                title=tr("综合满意度", "Overall satisfaction")
                note=tr("全部满意度题目", "All satisfaction questions")
                score=ind.overall.clone()
                goal=ind.target_percent
                points=None
                testid="figure-overall"
            />
        </section>
        <p class="rule-note">{points_rule}</p>
        <Questions ind=ind.clone() satisfied />
        <Categories ind=ind.clone() />
        <AgeBands ind=ind.clone() />
        <Respondents ind=ind.clone() />
        {csv_links}
        <footer class="page-foot no-print">
            <a href="/">{tr("返回便民地图", "Back to the map")}</a>
            <a href=format!("/survey?circle={}", api::seg(&circle_for_links))>{tr("参加调查", "Take the survey")}</a>
            <a href="/staff">{tr("工作人员入口", "Staff")}</a>
        </footer>
    }
}

/// "满意 = 满意 + 比较满意 … ≥ 90% 得 16 分，≥ 80% 得 10 分，否则 0 分".
fn points_rule(rules: &RulesView) -> String {
    let s = &rules.survey;
    let bands = s
        .points
        .iter()
        .map(|b| {
            let (p, pts) = (b.min_percent, b.points);
            trf!("≥ {p}% 得 {pts} 分", "≥ {p}%: {pts} points")
        })
        .collect::<Vec<_>>()
        .join(tr("，", ", "));
    let pct = s.sample_percent;
    trf!(
        "满意率 = 选“满意”或“比较满意”的回答 ÷ 作答回答。{bands}，否则 0 分；回收问卷不足服务人口的 {pct}% 时样本不足，不计分。",
        "Rate = answers 'satisfied' or 'fairly satisfied' ÷ answers. {bands}, else 0; with fewer responses than {pct}% of the population the sample is too small and scores nothing."
    )
}

#[component]
fn Sample(ind: Indicators) -> impl IntoView {
    let (n, target, pct) = (ind.responses, ind.sample_target, ind.sample_percent);
    let pop = group_digits(ind.population);
    let badge = if ind.sample_valid {
        view! { <p class="badge badge-good" data-testid="sample-state">{tr("✓ 样本有效", "✓ Valid sample")}</p> }
            .into_any()
    } else {
        let missing = target.saturating_sub(n);
        view! {
            <p class="badge badge-warn" data-testid="sample-state">
                {trf!("样本不足：还差 {missing} 份", "Sample too small: {missing} more needed")}
            </p>
        }
        .into_any()
    };
    view! {
        <section class="card sample-card">
            <h2>{tr("回收问卷", "Responses")}</h2>
            <p class="big-number">
                <span data-testid="responses">{n}</span>
                <span class="of">{trf!(" / 目标 {target} 份", " / target {target}")}</span>
            </p>
            <SampleBar responses=n target />
            <p class="small">{trf!("目标为服务人口 {pop} 人的 {pct}%", "Target: {pct}% of the population of {pop}")}</p>
            {badge}
        </section>
    }
}

#[component]
fn Figure(
    title: &'static str,
    note: &'static str,
    score: Score,
    goal: u32,
    /// (max points, sample valid) for the 好不好 items; `None` for the overall rate.
    points: Option<(u32, bool)>,
    testid: &'static str,
) -> impl IntoView {
    let value = percent_text(&score.rate);
    let (s, a) = (score.rate.satisfied, score.rate.answered);
    let counts = trf!("{s} / {a} 个回答满意", "{s} of {a} answers satisfied");
    let verdict = if a == 0 {
        tr("还没有回答", "No answers yet")
    } else if score.meets_target {
        tr("✓ 达到目标", "✓ Goal reached")
    } else {
        tr("未达到目标", "Below the goal")
    };
    let points_line = points.map(|(max, valid)| {
        let text = if valid {
            let p = score.points;
            trf!("得分 {p} / {max} 分", "{p} / {max} points")
        } else {
            tr("样本不足，不计分", "Sample too small: no points").to_string()
        };
        view! { <p class="points" data-testid=format!("{testid}-points")>{text}</p> }
    });
    view! {
        <article class=format!("card figure {}", level_class(&score.rate, score.meets_target)) data-testid=testid>
            <h2>{title}<span class="note">{note}</span></h2>
            <p class="figure-value" data-testid=format!("{testid}-value")>{value}</p>
            <GoalBar rate=score.rate goal meets=score.meets_target name=title />
            <p class="small">{counts}" · "{verdict}</p>
            {points_line}
        </article>
    }
}

fn option_bars(
    q: &crate::domain::survey::indicators::QuestionCounts,
    satisfied: &[u8],
) -> Vec<Bar> {
    q.options
        .iter()
        .map(|o| Bar {
            label: pick(&o.zh, &o.en).to_string(),
            count: o.count,
            good: q.kind == QuestionKind::Scale
                && o.code.parse::<u8>().is_ok_and(|v| satisfied.contains(&v)),
        })
        .collect()
}

#[component]
fn Questions(ind: Indicators, satisfied: Vec<u8>) -> impl IntoView {
    let cards = ind
        .questions
        .iter()
        .filter(|q| q.kind == QuestionKind::Scale)
        .enumerate()
        .map(|(i, q)| {
            let rate = q.rate.unwrap_or_default();
            let value = percent_text(&rate);
            let answered = q.answered;
            let title = pick(&q.zh, &q.en).to_string();
            let kind = match q.indicator {
                Some(crate::domain::survey::Indicator::Business) => tr("业态", "Business"),
                Some(crate::domain::survey::Indicator::Service) => tr("服务", "Service"),
                None => "",
            };
            let n = i + 1;
            view! {
                <article class="card question-card" data-testid=format!("q-{}", q.id)>
                    <h3><span class="q-number">{n}"."</span>{title.clone()}</h3>
                    <p class="small">
                        <span class="tag">{kind}</span>
                        {trf!("满意率 {value} · {answered} 人作答", "Satisfied {value} · {answered} answers")}
                    </p>
                    <BarList bars=option_bars(q, &satisfied) whole=answered name=title />
                </article>
            }
        })
        .collect_view();
    view! {
        <section class="section">
            <h2>{tr("各题回答", "Answers per question")}</h2>
            <p class="small">{tr("✓ 表示计为满意的选项", "✓ marks the answers counted as satisfied")}</p>
            <div class="card-grid">{cards}</div>
        </section>
    }
}

#[component]
fn Categories(ind: Indicators) -> impl IntoView {
    let list = |title: &'static str,
                items: &[crate::domain::survey::indicators::OptionCount],
                testid: &'static str| {
        let bars: Vec<Bar> = items
            .iter()
            .take(10)
            .map(|o| Bar {
                label: pick(&o.zh, &o.en).to_string(),
                count: o.count,
                good: false,
            })
            .collect();
        let body = if bars.is_empty() {
            view! { <p class="empty">{tr("还没有人选择", "Nobody has chosen any yet")}</p> }
                .into_any()
        } else {
            view! { <BarList bars whole=ind.responses name=title /> }.into_any()
        };
        view! {
            <article class="card" data-testid=testid>
                <h3>{title}</h3>
                {body}
            </article>
        }
    };
    view! {
        <section class="section">
            <h2>{tr("缺什么、用什么", "Missing and most used")}</h2>
            <p class="small">{tr("占回收问卷的比例；每人可多选", "Share of responses; several choices each")}</p>
            <div class="card-grid">
                {list(tr("最缺的网点", "Most missed outlets"), &ind.most_missed, "most-missed")}
                {list(tr("最常去的网点", "Most used outlets"), &ind.most_used, "most-used")}
            </div>
        </section>
    }
}

#[component]
fn AgeBands(ind: Indicators) -> impl IntoView {
    let rows = ind
        .by_age_band
        .iter()
        .filter(|b| b.responses > 0 || !b.code.is_empty())
        .map(|b| {
            view! {
                <tr>
                    <th scope="row">{pick(&b.zh, &b.en).to_string()}</th>
                    <td>{b.responses}</td>
                    <td>{percent_text(&b.business)}</td>
                    <td>{percent_text(&b.service)}</td>
                    <td>{percent_text(&b.overall)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="section">
            <h2>{tr("按年龄段", "By age")}</h2>
            <div class="card table-card">
                <table class="bands" data-testid="age-bands">
                    <thead>
                        <tr>
                            <th scope="col">{tr("年龄段", "Age")}</th>
                            <th scope="col">{tr("份数", "Responses")}</th>
                            <th scope="col">{tr("业态", "Business")}</th>
                            <th scope="col">{tr("服务", "Service")}</th>
                            <th scope="col">{tr("综合", "Overall")}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}

#[component]
fn Respondents(ind: Indicators) -> impl IntoView {
    let cards = ind
        .questions
        .iter()
        .filter(|q| q.kind == QuestionKind::Choice)
        .map(|q| {
            let title = pick(&q.zh, &q.en).to_string();
            let answered = q.answered;
            view! {
                <article class="card">
                    <h3>{title.clone()}</h3>
                    <p class="small">{trf!("{answered} 人作答", "{answered} answers")}</p>
                    <BarList bars=option_bars(q, &[]) whole=answered name=title />
                </article>
            }
        })
        .collect_view();
    view! {
        <section class="section">
            <h2>{tr("受访者情况", "Respondents")}</h2>
            <div class="card-grid">{cards}</div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round(id: i64, closed: Option<&str>) -> RoundInfo {
        RoundInfo {
            id,
            circle: "c".into(),
            population: 12000,
            open_mode: false,
            opened_on: "2026-11-01".into(),
            closed_on: closed.map(str::to_string),
            questionnaire_version: 1,
            responses: 0,
            sample_target: 360,
        }
    }

    #[test]
    fn rounds_are_numbered_oldest_first() {
        let rounds = [
            round(9, None),
            round(4, Some("2026-10-01")),
            round(2, Some("2026-05-01")),
        ];
        assert_eq!(round_number(&rounds, 9), Some(3));
        assert_eq!(round_number(&rounds, 2), Some(1));
        assert_eq!(round_number(&rounds, 5), None);
    }

    #[test]
    fn the_round_line_says_dates_state_and_population() {
        let line = round_line(&round(9, None), Some(3));
        assert_eq!(
            line,
            "第 3 轮 · 2026-11-01 开始，进行中 · 服务人口 12,000 人"
        );
        let closed = round_line(&round(4, Some("2026-11-20")), None);
        assert!(closed.contains("至 2026-11-20，已结束"));
    }

    #[test]
    fn digits_are_grouped() {
        assert_eq!(group_digits(0), "0");
        assert_eq!(group_digits(100), "100");
        assert_eq!(group_digits(1000), "1,000");
        assert_eq!(group_digits(1234567), "1,234,567");
    }
}
