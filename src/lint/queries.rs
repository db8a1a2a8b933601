//! Checks on one dashboard query (a panel target or a variable's query) once its template
//! variables are substituted: it parses, reads known series with labels they carry, rates only
//! counters over `$__rate_interval`, feeds `histogram_quantile` buckets with `le` kept, groups
//! by no avoid-class label, and filters by the dashboard's scope variables.

use std::collections::BTreeSet;

use promql_parser::parser::{Expr, LabelModifier, VectorMatchCardinality};
use promql_parser::util::{walk_expr, ExprVisitor};

use super::series::{Origin, Series};
use super::template::{self, RANGE_STANDIN, RATE_INTERVAL_STANDIN};
use super::RuleId;
use crate::pack::catalogue::Catalogue;
use crate::pack::promql::{self, Selector};

/// One problem with a query: rule id, message, fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub rule: RuleId,
    pub message: String,
    pub fix: String,
}

/// What the checks need to know besides the query.
pub struct Context<'a> {
    pub series: &'a Series,
    pub catalogue: &'a Catalogue,
    /// Panel targets are held to the dashboard conventions (rate interval, scope filters);
    /// variable queries are not.
    pub is_target: bool,
    /// Scope variables the dashboard defines (`cluster`, `namespace`).
    pub scope_variables: &'a [&'a str],
}

/// Every problem of `query` (already substituted, see [`template::substitute`]).
pub fn check(query: &str, context: &Context) -> Vec<Problem> {
    let expr = match promql::parse(query) {
        Ok(expr) => expr,
        Err(err) => {
            return vec![problem(
                RuleId::PromqlParse,
                format!("does not parse as PromQL: {}", err.trim()),
                "write valid PromQL (try it in Grafana's Explore)",
            )]
        }
    };
    let mut checker = Checker { context, created: created_labels(&expr), problems: Vec::new() };
    for selector in promql::reads(&expr).selectors {
        checker.selector(&selector);
    }
    visit(&expr, |node| checker.node(node));
    checker.problems
}

/// Problems with `label` as the label a `label_values(selector, label)` variable lists.
pub fn check_listed_label(selector_query: &str, label: &str, context: &Context) -> Vec<Problem> {
    let Ok(expr) = promql::parse(selector_query) else { return Vec::new() };
    let leaf = |s: &Selector| context.series.labels(s);
    let checker = Checker { context, created: created_labels(&expr), problems: Vec::new() };
    match promql::output_labels(&expr, &leaf) {
        Some(labels) if !checker.has(&labels, label) => vec![label_unknown(label, &format!("`{selector_query}`"), &labels)],
        _ => Vec::new(),
    }
}

fn problem(rule: RuleId, message: String, fix: &str) -> Problem {
    Problem { rule, message, fix: fix.to_string() }
}

fn label_unknown(label: &str, what: &str, carried: &BTreeSet<String>) -> Problem {
    let carried: Vec<&str> = carried.iter().map(String::as_str).collect();
    problem(
        RuleId::LabelUnknown,
        format!("`{label}` is not a label of {what} (it carries {})", carried.join(", ")),
        "use a label the series carries (metrics/catalogue.yaml, or the recording rule's `by` labels)",
    )
}

/// Labels `label_replace`/`label_join` create anywhere in the query: they count as present.
fn created_labels(expr: &Expr) -> BTreeSet<String> {
    let mut created = BTreeSet::new();
    visit(expr, |e| {
        if let Expr::Call(call) = e {
            if matches!(call.func.name, "label_replace" | "label_join") {
                if let Some(Expr::StringLiteral(destination)) = call.args.args.get(1).map(|a| a.as_ref()) {
                    created.insert(destination.val.clone());
                }
            }
        }
    });
    created
}

/// Calls `f` on `expr` and every expression below it.
fn visit(expr: &Expr, f: impl FnMut(&Expr)) {
    struct Each<F>(F);
    impl<F: FnMut(&Expr)> ExprVisitor for Each<F> {
        type Error = std::convert::Infallible;
        fn pre_visit(&mut self, expr: &Expr) -> Result<bool, Self::Error> {
            (self.0)(expr);
            Ok(true)
        }
    }
    let Ok(_) = walk_expr(&mut Each(f), expr);
}

/// A selector whose name comes from a variable: nothing can be said about its series.
fn templated_name(selector: &Selector) -> bool {
    selector.name.as_deref().is_some_and(|n| n.contains("__grafana_var_"))
        || selector.matchers.iter().any(|m| m.name == "__name__" && m.value.contains("__grafana_var_"))
}

struct Checker<'a> {
    context: &'a Context<'a>,
    created: BTreeSet<String>,
    problems: Vec<Problem>,
}

impl Checker<'_> {
    fn has(&self, labels: &BTreeSet<String>, label: &str) -> bool {
        label == "__name__" || labels.contains(label) || self.created.contains(label)
    }

    fn leaf_labels(&self, expr: &Expr) -> Option<BTreeSet<String>> {
        promql::output_labels(expr, &|s| self.context.series.labels(s))
    }

    fn avoid(&mut self, label: &str, how: &str) {
        if let Some(reason) = self.context.catalogue.avoid_labels.get(label) {
            self.problems.push(problem(
                RuleId::GroupByAvoidLabel,
                format!("{how} `{label}` ({reason})"),
                "aggregate the label away (by cluster, namespace, ...) instead; strip it with an SDK View",
            ));
        }
    }

    fn selector(&mut self, selector: &Selector) {
        if templated_name(selector) {
            return;
        }
        let series = self.context.series;
        if selector.constrains_name() && series.matching(selector).next().is_none() {
            self.problems.push(problem(
                RuleId::MetricUnknown,
                format!("`{}` matches no series in metrics/catalogue.yaml and no recording rule of the pack", selector.written()),
                "use the stored spelling from metrics/catalogue.yaml (unit suffixes included), a recording rule's name, or add the metric to the catalogue",
            ));
            return;
        }
        let labels = series.labels(selector);
        for matcher in selector.label_matchers() {
            self.avoid(&matcher.name, "matches on");
            if let Some(labels) = &labels {
                if !self.has(labels, &matcher.name) {
                    self.problems.push(label_unknown(&matcher.name, &format!("`{}`", selector.written()), labels));
                }
            }
        }
        if !self.context.is_target {
            return;
        }
        for variable in self.context.scope_variables {
            let carries = labels.as_ref().is_some_and(|l| l.contains(*variable));
            let marker = template::marker(variable);
            let filtered = selector.label_matchers().any(|m| m.name == *variable && m.value.contains(&marker));
            if carries && !filtered {
                self.problems.push(problem(
                    RuleId::TargetScopeFilter,
                    format!("`{}` carries `{variable}` but does not filter it by ${variable}", selector.written()),
                    &format!("add {variable}=~\"${variable}\" to the selector (namespace=~\"|$namespace\" where the label may be empty), so the dashboard's {variable} picker narrows it"),
                ));
            }
        }
    }

    /// The checks on one node of the syntax tree (its children get their own call).
    fn node(&mut self, expr: &Expr) {
        match expr {
            Expr::Aggregate(aggregate) => {
                if let Some(modifier) = &aggregate.modifier {
                    let inner = self.leaf_labels(&aggregate.expr);
                    for label in &modifier.labels().labels {
                        if matches!(modifier, LabelModifier::Include(_)) {
                            self.avoid(label, "groups by");
                        }
                        if let Some(inner) = inner.as_ref().filter(|inner| !self.has(inner, label)) {
                            self.problems.push(label_unknown(label, &format!("what `{}` aggregates", aggregate.op), inner));
                        }
                    }
                }
            }
            Expr::Binary(binary) => {
                let Some(modifier) = &binary.modifier else { return };
                let (lhs, rhs) = (self.leaf_labels(&binary.lhs), self.leaf_labels(&binary.rhs));
                if let Some(matching) = &modifier.matching {
                    for label in &matching.labels().labels {
                        if matches!(matching, LabelModifier::Include(_)) {
                            self.avoid(label, "matches on");
                        }
                        for (side, labels) in [("left", &lhs), ("right", &rhs)] {
                            if let Some(labels) = labels.as_ref().filter(|l| !self.has(l, label)) {
                                self.problems.push(label_unknown(label, &format!("the {side} side of `{}`", binary.op), labels));
                            }
                        }
                    }
                }
                let copied = match &modifier.card {
                    VectorMatchCardinality::ManyToOne(labels) => Some((labels, &rhs, "group_left")),
                    VectorMatchCardinality::OneToMany(labels) => Some((labels, &lhs, "group_right")),
                    _ => None,
                };
                if let Some((labels, one_side, how)) = copied {
                    for label in &labels.labels {
                        if let Some(one) = one_side.as_ref().filter(|l| !self.has(l, label)) {
                            self.problems.push(label_unknown(label, &format!("the side `{how}` copies from"), one));
                        }
                    }
                }
            }
            Expr::Call(call) => {
                let args = &call.args.args;
                match call.func.name {
                    "rate" | "irate" | "increase" | "resets" => {
                        if let Some(arg) = args.first() {
                            self.counters_only(call.func.name, arg);
                            if self.context.is_target && call.func.name != "resets" {
                                self.rate_interval(call.func.name, arg);
                            }
                        }
                    }
                    "histogram_quantile" => {
                        if let Some(buckets) = args.get(1) {
                            self.buckets(buckets);
                        }
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }

    /// `rate(...)` and friends over anything but counters give nonsense (a gauge's dips read as
    /// resets).
    fn counters_only(&mut self, function: &str, arg: &Expr) {
        for selector in promql::reads(arg).selectors {
            if templated_name(&selector) {
                continue;
            }
            let not_counters: Vec<&str> = self
                .context
                .series
                .matching(&selector)
                .filter(|(_, origin)| !matches!(origin, Origin::Stored { counter: true, .. }))
                .map(|(name, _)| name)
                .collect();
            if !not_counters.is_empty() {
                let shown = if not_counters.len() > 3 {
                    format!("{}, ... ({} series)", not_counters[..3].join(", "), not_counters.len())
                } else {
                    not_counters.join(", ")
                };
                self.problems.push(problem(
                    RuleId::RateOnNonCounter,
                    format!("{function}() over `{}`, which reads non-counter series ({shown})", selector.written()),
                    "rate only counters (`_total`) and histogram `_bucket`/`_count`/`_sum`; read gauges and recorded series directly (or with *_over_time)",
                ));
            }
        }
    }

    fn rate_interval(&mut self, function: &str, arg: &Expr) {
        let range = match arg {
            Expr::MatrixSelector(matrix) => matrix.range,
            Expr::Subquery(subquery) => subquery.range,
            _ => return,
        };
        // increase(...[$__range]) is the total over the selected range: a range Grafana sets.
        let over_selected_range = function == "increase" && range == RANGE_STANDIN;
        if range != RATE_INTERVAL_STANDIN && !over_selected_range {
            self.problems.push(problem(
                RuleId::TargetRateIntervalRule,
                format!("{function}() over a fixed range instead of $__rate_interval"),
                "write [$__rate_interval] (increase may also total the selected range with [$__range]): a fixed range ignores the scrape interval and the zoom, so it aliases or goes empty",
            ));
        }
    }

    /// `histogram_quantile` needs `_bucket` series with `le` kept by every aggregation on the way.
    fn buckets(&mut self, expr: &Expr) {
        match expr {
            Expr::Paren(paren) => self.buckets(&paren.expr),
            Expr::Subquery(subquery) => self.buckets(&subquery.expr),
            Expr::Aggregate(aggregate) => {
                let keeps_le = match &aggregate.modifier {
                    Some(LabelModifier::Include(by)) => by.labels.iter().any(|l| l == "le"),
                    Some(LabelModifier::Exclude(without)) => !without.labels.iter().any(|l| l == "le"),
                    None => false,
                };
                if !keeps_le {
                    self.problems.push(problem(
                        RuleId::HistogramQuantile,
                        format!("`{}` between histogram_quantile and the buckets drops `le`", aggregate.op),
                        "keep le in the grouping: sum by (cluster, namespace, le) (rate(x_bucket[$__rate_interval]))",
                    ));
                }
                self.buckets(&aggregate.expr);
            }
            Expr::Call(call) => {
                if let Some(series) = call.args.args.iter().find(|a| !matches!(a.as_ref(), Expr::NumberLiteral(_) | Expr::StringLiteral(_)))
                {
                    self.buckets(series);
                }
            }
            Expr::Binary(binary) => {
                self.buckets(&binary.lhs);
                self.buckets(&binary.rhs);
            }
            Expr::VectorSelector(_) | Expr::MatrixSelector(_) => {
                for selector in promql::reads(expr).selectors {
                    let names: Vec<&str> = self.context.series.matching(&selector).map(|(name, _)| name).collect();
                    if !templated_name(&selector) && names.iter().any(|n| !n.ends_with("_bucket")) {
                        self.problems.push(problem(
                            RuleId::HistogramQuantile,
                            format!("histogram_quantile reads `{}`, which is not a histogram's `_bucket` series", selector.written()),
                            "give histogram_quantile the `<histogram>_bucket` series (rated), or read a recorded quantile directly",
                        ));
                    }
                }
            }
            Expr::Unary(_) | Expr::NumberLiteral(_) | Expr::StringLiteral(_) | Expr::Extension(_) => {}
        }
    }
}

#[cfg(test)]
mod tests;
