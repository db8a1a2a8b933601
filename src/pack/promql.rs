//! What a PromQL expression reads: its series selectors and the labels it groups or matches
//! on, and which labels its result carries, from `promql-parser`'s syntax tree.

use std::collections::BTreeSet;

use promql_parser::label::{MatchOp, Matcher};
use promql_parser::parser::value::ValueType;
use promql_parser::parser::{self, Expr, LabelModifier, VectorMatchCardinality, VectorSelector};

/// A series selector: the metric name (when written as one) and its label matchers.
#[derive(Debug, Clone)]
pub struct Selector {
    pub name: Option<String>,
    pub matchers: Vec<Matcher>,
}

impl Selector {
    /// Whether a series called `series_name` can match this selector's name constraints.
    pub fn matches_name(&self, series_name: &str) -> bool {
        if self.name.as_deref().is_some_and(|n| n != series_name) {
            return false;
        }
        self.matchers.iter().filter(|m| m.name == "__name__").all(|m| m.is_match(series_name))
    }

    /// The label matchers other than the metric name.
    pub fn label_matchers(&self) -> impl Iterator<Item = &Matcher> {
        self.matchers.iter().filter(|m| m.name != "__name__")
    }

    /// The selector as a finding names it: the metric name, else its matchers in braces.
    pub fn written(&self) -> String {
        self.name.clone().unwrap_or_else(|| format!("{{{}}}", self.matchers.iter().map(|m| m.to_string()).collect::<Vec<_>>().join(", ")))
    }

    /// Whether the selector names its metric (by name or an equality/regex on `__name__`).
    pub fn constrains_name(&self) -> bool {
        self.name.is_some() || self.matchers.iter().any(|m| m.name == "__name__" && matches!(m.op, MatchOp::Equal | MatchOp::Re(_)))
    }
}

/// Everything the checks need from one expression.
#[derive(Debug, Default, Clone)]
pub struct Reads {
    pub selectors: Vec<Selector>,
    /// Labels named in `by (...)` and `on (...)` clauses.
    pub grouping: Vec<String>,
}

pub fn parse(expr: &str) -> Result<Expr, String> {
    parser::parse(expr)
}

/// A selector of every series whose whole name `regex` matches (PromQL regex semantics), for
/// regexes that are not part of a query (Grafana's `metrics(...)`, data source regexes).
pub fn name_regex(regex: &str) -> Option<Selector> {
    let expr = parse(&format!("{{__name__=~{regex:?}}}")).ok()?;
    reads(&expr).selectors.into_iter().next()
}

/// The selectors and grouping labels of a parsed expression.
pub fn reads(expr: &Expr) -> Reads {
    let mut reads = Reads::default();
    walk(expr, &mut reads);
    reads
}

fn walk(expr: &Expr, reads: &mut Reads) {
    match expr {
        Expr::Aggregate(aggregate) => {
            if let Some(LabelModifier::Include(labels)) = &aggregate.modifier {
                reads.grouping.extend(labels.labels.iter().cloned());
            }
            walk(&aggregate.expr, reads);
            if let Some(param) = &aggregate.param {
                walk(param, reads);
            }
        }
        Expr::Unary(unary) => walk(&unary.expr, reads),
        Expr::Binary(binary) => {
            if let Some(LabelModifier::Include(labels)) = binary.modifier.as_ref().and_then(|m| m.matching.as_ref()) {
                reads.grouping.extend(labels.labels.iter().cloned());
            }
            walk(&binary.lhs, reads);
            walk(&binary.rhs, reads);
        }
        Expr::Paren(paren) => walk(&paren.expr, reads),
        Expr::Subquery(subquery) => walk(&subquery.expr, reads),
        Expr::VectorSelector(selector) => reads.selectors.push(selector_of(selector)),
        Expr::MatrixSelector(matrix) => reads.selectors.push(selector_of(&matrix.vs)),
        Expr::Call(call) => call.args.args.iter().for_each(|arg| walk(arg, reads)),
        Expr::NumberLiteral(_) | Expr::StringLiteral(_) | Expr::Extension(_) => {}
    }
}

/// The labels the result series of `expr` carry (`__name__` aside), computed statically;
/// `leaf` answers for a selector. `None` when it cannot be told (a `without` aggregation, a
/// selector `leaf` does not know): callers then skip their check rather than guess.
pub fn output_labels(expr: &Expr, leaf: &dyn Fn(&Selector) -> Option<BTreeSet<String>>) -> Option<BTreeSet<String>> {
    match expr {
        Expr::VectorSelector(selector) => leaf(&selector_of(selector)),
        Expr::MatrixSelector(matrix) => leaf(&selector_of(&matrix.vs)),
        Expr::Paren(paren) => output_labels(&paren.expr, leaf),
        Expr::Unary(unary) => output_labels(&unary.expr, leaf),
        Expr::Subquery(subquery) => output_labels(&subquery.expr, leaf),
        Expr::NumberLiteral(_) | Expr::StringLiteral(_) | Expr::Extension(_) => Some(BTreeSet::new()),
        Expr::Aggregate(aggregate) => {
            // topk and friends pick input series whole, labels and all.
            if matches!(aggregate.op.to_string().as_str(), "topk" | "bottomk" | "limitk" | "limit_ratio") {
                return output_labels(&aggregate.expr, leaf);
            }
            let mut labels: BTreeSet<String> = match &aggregate.modifier {
                Some(LabelModifier::Include(by)) => by.labels.iter().cloned().collect(),
                Some(LabelModifier::Exclude(_)) => return None,
                None => BTreeSet::new(),
            };
            if aggregate.op.to_string() == "count_values" {
                if let Some(Expr::StringLiteral(label)) = aggregate.param.as_deref() {
                    labels.insert(label.val.clone());
                }
            }
            Some(labels)
        }
        Expr::Call(call) => {
            let args = &call.args.args;
            match call.func.name {
                "histogram_quantile" => {
                    let mut labels = output_labels(args.get(1)?, leaf)?;
                    labels.remove("le");
                    Some(labels)
                }
                // absent() yields one series carrying the equality matchers of its selector.
                "absent" | "absent_over_time" => {
                    let selector = match args.first().map(|a| a.as_ref()) {
                        Some(Expr::VectorSelector(selector)) => selector_of(selector),
                        Some(Expr::MatrixSelector(matrix)) => selector_of(&matrix.vs),
                        _ => return Some(BTreeSet::new()),
                    };
                    Some(selector.label_matchers().filter(|m| matches!(m.op, MatchOp::Equal)).map(|m| m.name.clone()).collect())
                }
                "label_replace" | "label_join" => {
                    let mut labels = output_labels(args.first()?, leaf)?;
                    if let Some(Expr::StringLiteral(destination)) = args.get(1).map(|a| a.as_ref()) {
                        labels.insert(destination.val.clone());
                    }
                    Some(labels)
                }
                _ => match args.iter().find(|a| matches!(a.value_type(), ValueType::Vector | ValueType::Matrix)) {
                    Some(series) if call.func.return_type == ValueType::Vector => output_labels(series, leaf),
                    // vector(), time(), scalar(...): no labels.
                    _ => Some(BTreeSet::new()),
                },
            }
        }
        Expr::Binary(binary) => {
            let scalar = |e: &Expr| e.value_type() == ValueType::Scalar;
            if scalar(&binary.lhs) {
                return output_labels(&binary.rhs, leaf);
            }
            if scalar(&binary.rhs) {
                return output_labels(&binary.lhs, leaf);
            }
            let lhs = output_labels(&binary.lhs, leaf);
            let modifier = binary.modifier.as_ref();
            if binary.op.to_string() == "or" {
                return lhs?.union(&output_labels(&binary.rhs, leaf)?).cloned().collect::<BTreeSet<_>>().into();
            }
            if binary.op.is_set_operator() {
                return lhs;
            }
            match modifier.map(|m| &m.card) {
                Some(VectorMatchCardinality::ManyToOne(extra)) => Some(lhs?.into_iter().chain(extra.labels.iter().cloned()).collect()),
                Some(VectorMatchCardinality::OneToMany(extra)) => {
                    Some(output_labels(&binary.rhs, leaf)?.into_iter().chain(extra.labels.iter().cloned()).collect())
                }
                // One-to-one: `on (...)` keeps just those labels, `ignoring (...)` drops them.
                _ => match modifier.and_then(|m| m.matching.as_ref()) {
                    Some(LabelModifier::Include(on)) => Some(on.labels.iter().cloned().collect()),
                    Some(LabelModifier::Exclude(ignoring)) => Some(lhs?.into_iter().filter(|l| !ignoring.labels.contains(l)).collect()),
                    None => lhs,
                },
            }
        }
    }
}

pub(crate) fn selector_of(selector: &VectorSelector) -> Selector {
    let mut matchers = selector.matchers.matchers.clone();
    matchers.extend(selector.matchers.or_matchers.iter().flatten().cloned());
    Selector { name: selector.name.clone(), matchers }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_selectors_regex_names_and_grouping_labels() {
        let expr =
            parse(r#"sum by (cluster, mesh_scope) (rate({__name__=~"a_(x|y)_total", k="v"}[5m])) / on (cluster) group_left count(up)"#)
                .unwrap();
        let reads = reads(&expr);
        assert_eq!(reads.selectors.len(), 2);
        assert!(reads.selectors[0].matches_name("a_x_total") && reads.selectors[0].matches_name("a_y_total"));
        assert!(!reads.selectors[0].matches_name("a_z_total"));
        assert!(reads.selectors[1].matches_name("up") && !reads.selectors[1].matches_name("down"));
        let mut grouping = reads.grouping.clone();
        grouping.sort();
        assert_eq!(grouping, ["cluster", "cluster", "mesh_scope"]);
    }

    fn labels_of(expr: &str) -> Option<Vec<String>> {
        let leaf = |s: &Selector| {
            (s.name.as_deref() != Some("unknown"))
                .then(|| ["cluster", "namespace", "instance", "le"].map(String::from).into_iter().collect())
        };
        output_labels(&parse(expr).unwrap(), &leaf).map(|l| l.into_iter().collect())
    }

    #[test]
    fn output_labels_follow_aggregations_functions_and_matching() {
        assert_eq!(labels_of("histogram_quantile(0.9, sum by (cluster, le) (rate(x_bucket[5m])))").unwrap(), ["cluster"]);
        assert_eq!(
            labels_of(r#"label_replace(sum by (cluster) (x), "namespace", "$1", "cluster", "(.*)")"#).unwrap(),
            ["cluster", "namespace"]
        );
        assert_eq!(
            labels_of("max by (cluster, namespace) (x) / on (cluster) group_left max by (cluster) (y)").unwrap(),
            ["cluster", "namespace"]
        );
        assert_eq!(labels_of("sum by (cluster) (x) - on (cluster) sum by (cluster, namespace) (y)").unwrap(), ["cluster"]);
        assert_eq!(labels_of("x and on (cluster, instance) (up == 1)").unwrap(), ["cluster", "instance", "le", "namespace"]);
        assert_eq!(labels_of("floor(count by (cluster) (x) / 2) + 1").unwrap(), ["cluster"]);
        assert_eq!(labels_of("sum(x) or vector(0)").unwrap(), Vec::<String>::new());
        assert_eq!(labels_of("topk(3, x)").unwrap().len(), 4);
        assert!(labels_of("sum without (le) (x)").is_none());
        assert!(labels_of("rate(unknown[5m])").is_none());
    }
}
