//! Attribute arguments: `#[hook(Point, key = value, …)]` and
//! `#[hookpoint(Name, name = "…")]`, each value kept with its span.

use syn::parse::{Parse, ParseStream};
use syn::{Expr, ExprLit, ExprUnary, Ident, Lit, LitBool, LitStr, Path, Token, UnOp};

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
        if input.is_empty() {
            return Err(input.error("name the hook point first: `#[hook(BeforeSearch)]`"));
        }
        let point: Path = input.parse()?;
        let mut args = HookArgs { point, tenant: None, order: None, timeout_ms: None, fallback: None };
        for (key, value) in parse_pairs(input)? {
            match key.to_string().as_str() {
                "tenant" => set_once(&mut args.tenant, &key, lit_str(&key, &value)?)?,
                "order" => set_once(&mut args.order, &key, order(&value)?)?,
                "timeout_ms" => set_once(&mut args.timeout_ms, &key, timeout_ms(&value)?)?,
                "fallback" => set_once(&mut args.fallback, &key, lit_bool(&key, &value)?)?,
                _ => return Err(unknown_key(&key, HOOK_KEYS)),
            }
        }
        Ok(args)
    }
}

impl Parse for PointArgs {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        if input.is_empty() {
            return Err(input.error("name the context struct the point generates: `#[hookpoint(BeforeSearch)]`"));
        }
        let ident: Ident = input.parse()?;
        let mut args = PointArgs { ident, name: None };
        for (key, value) in parse_pairs(input)? {
            match key.to_string().as_str() {
                "name" => set_once(&mut args.name, &key, lit_str(&key, &value)?)?,
                _ => return Err(unknown_key(&key, POINT_KEYS)),
            }
        }
        Ok(args)
    }
}

/// The `, key = value` pairs after the leading path.
fn parse_pairs(input: ParseStream) -> syn::Result<Vec<(Ident, Expr)>> {
    let mut pairs = Vec::new();
    while !input.is_empty() {
        input.parse::<Token![,]>()?;
        if input.is_empty() {
            break;
        }
        let key: Ident = input.parse()?;
        input.parse::<Token![=]>()?;
        let mut value: Expr = input.parse()?;
        // A value forwarded by `macro_rules!` (`tenant = $tenant`) arrives
        // wrapped in an invisible group.
        while let Expr::Group(group) = value {
            value = *group.expr;
        }
        pairs.push((key, value));
    }
    Ok(pairs)
}

/// Stores `value` in `slot`, or fails on the second occurrence of `key`.
fn set_once<T>(slot: &mut Option<T>, key: &Ident, value: T) -> syn::Result<()> {
    if slot.is_some() {
        return Err(syn::Error::new(key.span(), format!("duplicate key `{key}`; give it once")));
    }
    *slot = Some(value);
    Ok(())
}

fn unknown_key(key: &Ident, valid: &str) -> syn::Error {
    syn::Error::new(key.span(), format!("unknown key `{key}`; valid keys are {valid}"))
}

fn lit_str(key: &Ident, value: &Expr) -> syn::Result<LitStr> {
    match value {
        Expr::Lit(ExprLit { lit: Lit::Str(lit), .. }) if !lit.value().is_empty() => Ok(lit.clone()),
        _ => Err(syn::Error::new_spanned(value, format!("`{key}` takes a non-empty string: `{key} = \"acme\"`"))),
    }
}

fn lit_bool(key: &Ident, value: &Expr) -> syn::Result<LitBool> {
    match value {
        Expr::Lit(ExprLit { lit: Lit::Bool(lit), .. }) => Ok(lit.clone()),
        _ => Err(syn::Error::new_spanned(value, format!("`{key}` takes `true` or `false`"))),
    }
}

/// `order = 10` or `order = -5`: any `i32`.
fn order(value: &Expr) -> syn::Result<i32> {
    let message = "`order` takes an integer, lower runs first: `order = 10`";
    let parsed = match value {
        Expr::Lit(ExprLit { lit: Lit::Int(int), .. }) => int.base10_parse::<i32>().ok(),
        Expr::Unary(ExprUnary { op: UnOp::Neg(_), expr, .. }) => match &**expr {
            Expr::Lit(ExprLit { lit: Lit::Int(int), .. }) => int.base10_parse::<i32>().ok().and_then(i32::checked_neg),
            _ => None,
        },
        _ => None,
    };
    parsed.ok_or_else(|| syn::Error::new_spanned(value, message))
}

/// `timeout_ms = 200`: a whole number of milliseconds, at least 1.
fn timeout_ms(value: &Expr) -> syn::Result<u64> {
    let message = "`timeout_ms` takes a positive whole number of milliseconds: `timeout_ms = 200`";
    match value {
        Expr::Lit(ExprLit { lit: Lit::Int(int), .. }) => match int.base10_parse::<u64>() {
            Ok(ms) if ms > 0 => Ok(ms),
            _ => Err(syn::Error::new(int.span(), message)),
        },
        _ => Err(syn::Error::new_spanned(value, message)),
    }
}
