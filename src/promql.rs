//! What a PromQL expression reads: its series selectors and the labels it groups or matches
//! on, from `promql-parser`'s syntax tree.

use promql_parser::label::{MatchOp, Matcher};
use promql_parser::parser::{self, Expr, LabelModifier, VectorSelector};

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

fn selector_of(selector: &VectorSelector) -> Selector {
    let mut matchers = selector.matchers.matchers.clone();
    matchers.extend(selector.matchers.or_matchers.iter().flatten().cloned());
    Selector { name: selector.name.clone(), matchers }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_selectors_regex_names_and_grouping_labels() {
        let expr = parse(r#"sum by (cluster, mesh_scope) (rate({__name__=~"a_(x|y)_total", k="v"}[5m])) / on (cluster) group_left count(up)"#).unwrap();
        let reads = reads(&expr);
        assert_eq!(reads.selectors.len(), 2);
        assert!(reads.selectors[0].matches_name("a_x_total") && reads.selectors[0].matches_name("a_y_total"));
        assert!(!reads.selectors[0].matches_name("a_z_total"));
        assert!(reads.selectors[1].matches_name("up") && !reads.selectors[1].matches_name("down"));
        let mut grouping = reads.grouping.clone();
        grouping.sort();
        assert_eq!(grouping, ["cluster", "cluster", "mesh_scope"]);
    }
}
