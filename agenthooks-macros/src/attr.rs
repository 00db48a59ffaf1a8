//! Attribute arguments: `#[hook(Point, key = value, …)]` and
//! `#[hookpoint(Name, name = "…")]`, each value kept with its span.

use proc_macro2::Span;
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream};
use syn::{Expr, ExprLit, ExprUnary, Ident, Lit, LitBool, LitStr, Path, Token, UnOp};

use crate::errors::Errors;

/// Arguments of `#[hook(...)]`.
pub(crate) struct HookArgs {
    pub(crate) point: Path,
    pub(crate) tenant: Option<LitStr>,
    pub(crate) order: Option<i32>,
    pub(crate) timeout_ms: Option<u64>,
    pub(crate) fallback: Option<LitBool>,
}

/// Arguments of `#[hookpoint(...)]`.
pub(crate) struct PointArgs {
    pub(crate) ident: Ident,
    pub(crate) name: Option<LitStr>,
}

const HOOK_KEYS: &str = "`tenant`, `order`, `timeout_ms`, `fallback`";
const POINT_KEYS: &str = "`name`";

impl Parse for HookArgs {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let point = leading(input, "name the hook point first: `#[hook(BeforeSearch, order = 10)]`")?;
        let mut errors = Errors::default();
        let mut args = HookArgs { point, tenant: None, order: None, timeout_ms: None, fallback: None };
        for (key, value) in parse_pairs(input, &mut errors)? {
            match key.to_string().as_str() {
                "tenant" => args.tenant = errors.check(lit_str(&key, &value, "acme")),
                "order" => args.order = errors.check(order(&value)),
                "timeout_ms" => args.timeout_ms = errors.check(timeout_ms(&value)),
                "fallback" => args.fallback = errors.check(lit_bool(&key, &value)),
                _ => errors.push(unknown_key(&key, HOOK_KEYS)),
            }
        }
        errors.finish(Ok(args))
    }
}

impl Parse for PointArgs {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let ident = leading(input, "name the context struct the point generates first: `#[hookpoint(BeforeSearch)]`")?;
        let mut errors = Errors::default();
        let mut args = PointArgs { ident, name: None };
        for (key, value) in parse_pairs(input, &mut errors)? {
            match key.to_string().as_str() {
                "name" => args.name = errors.check(lit_str(&key, &value, "before_search")),
                _ => errors.push(unknown_key(&key, POINT_KEYS)),
            }
        }
        errors.finish(Ok(args))
    }
}

/// The leading path or name, before any `key = value`; `missing` says what
/// to write when it is absent.
fn leading<T: Parse>(input: ParseStream, missing: &str) -> syn::Result<T> {
    if input.is_empty() {
        return Err(syn::Error::new(Span::call_site(), missing));
    }
    if input.peek(Ident::peek_any) && input.peek2(Token![=]) {
        return Err(input.error(missing));
    }
    input.parse()
}

/// The `, key = value` pairs after the leading path. This is the one place
/// that rejects a key given twice: at its second occurrence, keeping the
/// first value.
fn parse_pairs(input: ParseStream, errors: &mut Errors) -> syn::Result<Vec<(Ident, Expr)>> {
    let mut pairs: Vec<(Ident, Expr)> = Vec::new();
    while !input.is_empty() {
        input.parse::<Token![,]>()?;
        if input.is_empty() {
            break;
        }
        let key = input.call(Ident::parse_any)?;
        input.parse::<Token![=]>()?;
        let mut value: Expr = input.parse()?;
        // A value forwarded by `macro_rules!` (`tenant = $tenant`) arrives
        // wrapped in an invisible group.
        while let Expr::Group(group) = value {
            value = *group.expr;
        }
        if pairs.iter().any(|(seen, _)| *seen == key) {
            errors.push(syn::Error::new(key.span(), format!("duplicate key `{key}`; give it once")));
        } else {
            pairs.push((key, value));
        }
    }
    Ok(pairs)
}

/// The error for a key the attribute does not take, listing those it does.
fn unknown_key(key: &Ident, valid: &str) -> syn::Error {
    syn::Error::new(key.span(), format!("unknown key `{key}`; valid keys are {valid}"))
}

/// A non-empty string; `example` shows one in the error.
fn lit_str(key: &Ident, value: &Expr, example: &str) -> syn::Result<LitStr> {
    match value {
        Expr::Lit(ExprLit { lit: Lit::Str(lit), .. }) if !lit.value().is_empty() => Ok(lit.clone()),
        _ => Err(syn::Error::new_spanned(value, format!("`{key}` takes a non-empty string: `{key} = \"{example}\"`"))),
    }
}

/// `true` or `false`.
fn lit_bool(key: &Ident, value: &Expr) -> syn::Result<LitBool> {
    match value {
        Expr::Lit(ExprLit { lit: Lit::Bool(lit), .. }) => Ok(lit.clone()),
        _ => Err(syn::Error::new_spanned(value, format!("`{key}` takes `true` or `false`: `{key} = false`"))),
    }
}

/// `order = 10` or `order = -5`: any `i32`.
fn order(value: &Expr) -> syn::Result<i32> {
    let parsed = match value {
        Expr::Lit(ExprLit { lit: Lit::Int(int), .. }) => int.base10_parse::<i32>().ok(),
        Expr::Unary(ExprUnary { op: UnOp::Neg(_), expr, .. }) => match &**expr {
            Expr::Lit(ExprLit { lit: Lit::Int(int), .. }) => {
                int.base10_parse::<i64>().ok().and_then(|int| i32::try_from(-int).ok())
            }
            _ => None,
        },
        _ => None,
    };
    parsed.ok_or_else(|| {
        syn::Error::new_spanned(
            value,
            "`order` takes a whole number that fits an `i32`, lower runs first: `order = 10`",
        )
    })
}

/// `timeout_ms = 200`: a whole number of milliseconds, at least 1.
fn timeout_ms(value: &Expr) -> syn::Result<u64> {
    let parsed = match value {
        Expr::Lit(ExprLit { lit: Lit::Int(int), .. }) => int.base10_parse::<u64>().ok(),
        _ => None,
    };
    parsed.filter(|ms| *ms > 0).ok_or_else(|| {
        syn::Error::new_spanned(value, "`timeout_ms` takes a positive whole number of milliseconds: `timeout_ms = 200`")
    })
}
