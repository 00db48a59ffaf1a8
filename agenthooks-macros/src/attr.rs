//! Attribute arguments: `#[hook(Point, key = value, …)]` and
//! `#[hookpoint(Name, name = "…", after = AfterName)]`, each value kept with
//! its span.

use proc_macro2::{Span, TokenStream};
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream};
use syn::spanned::Spanned;
use syn::{Expr, ExprLit, ExprUnary, Ident, Lit, LitBool, LitStr, Path, PathArguments, Token, UnOp};

use crate::case::snake_case;
use crate::errors::Errors;
use crate::matcher;

/// Arguments of `#[hook(...)]`.
pub(crate) struct HookArgs {
    pub(crate) point: Path,
    pub(crate) tenant: Option<LitStr>,
    pub(crate) order: Option<i32>,
    pub(crate) timeout_ms: Option<u64>,
    pub(crate) fallback: Option<LitBool>,
    /// `mode = "shadow"`: the variant of `agenthooks::Mode`.
    pub(crate) mode: Option<Ident>,
    /// `tool = "fs_*"`: matchers on the point's key arguments, in the order
    /// written. Whether each key is one of the point's is known only once
    /// the point's type is: the expansion checks it at const evaluation.
    pub(crate) matchers: Vec<MatcherArg>,
    /// `contract = "2.0"`: the version of the point's contract the hook is
    /// written for.
    pub(crate) contract: Option<VersionArg>,
}

/// A contract version in quotes, `"major.minor"`, kept with its literal
/// for the span of errors about it.
pub(crate) struct VersionArg {
    pub(crate) major: u32,
    pub(crate) minor: u32,
    pub(crate) lit: LitStr,
}

/// `key = "pattern"` in `#[hook(...)]`: the hook runs only for calls whose
/// argument `key` matches the glob `pattern`.
pub(crate) struct MatcherArg {
    pub(crate) key: Ident,
    pub(crate) pattern: LitStr,
}

/// Arguments of `#[hookpoint(...)]`.
pub(crate) struct PointArgs {
    pub(crate) ident: Ident,
    pub(crate) name: Option<LitStr>,
    /// `on_failure = "continue"`: the variant of `agenthooks::OnFailure`.
    pub(crate) on_failure: Option<Ident>,
    /// `compose = "run_all"`: the variant of `agenthooks::Compose`.
    pub(crate) compose: Option<Ident>,
    /// `after = AfterSearch`: the context struct of the point that runs
    /// after the body, on its result.
    pub(crate) after: Option<Ident>,
    /// `after_name = "..."`: the after point's name, when not the
    /// `snake_case` of its struct.
    pub(crate) after_name: Option<LitStr>,
    /// `single`: the point admits one hook per tenant.
    pub(crate) single: bool,
    /// `version = "2.1"`: the point's contract version.
    pub(crate) version: Option<VersionArg>,
}

impl PointArgs {
    /// The name operators see for the point whose struct is `ident`, named
    /// `name` or else after its struct.
    fn resolved_name(ident: &Ident, name: Option<&LitStr>) -> String {
        name.map_or_else(|| snake_case(&ident.unraw().to_string()), LitStr::value)
    }

    /// The point's name, e.g. `before_search`.
    pub(crate) fn point_name(&self) -> String {
        Self::resolved_name(&self.ident, self.name.as_ref())
    }

    /// The after point's struct and name, when `after = ...` declares one.
    pub(crate) fn after_point(&self) -> Option<(&Ident, String)> {
        let after = self.after.as_ref()?;
        Some((after, Self::resolved_name(after, self.after_name.as_ref())))
    }
}

/// A key whose value is one of a few words, each naming a variant of a
/// runtime enum.
struct Choice {
    key: &'static str,
    /// Each word with the variant it names.
    words: &'static [(&'static str, &'static str)],
}

const MODE: Choice = Choice { key: "mode", words: &[("enforce", "Enforce"), ("shadow", "Shadow")] };
const ON_FAILURE: Choice = Choice { key: "on_failure", words: &[("deny", "Deny"), ("continue", "Continue")] };
const COMPOSE: Choice =
    Choice { key: "compose", words: &[("chain", "Chain"), ("run_all", "RunAll"), ("parallel", "Parallel")] };

/// A key an attribute takes, with an example of its use. A key whose
/// example is its bare name is a flag, written without a value.
struct Key {
    name: &'static str,
    example: &'static str,
    /// Keys a hurried writer may mean this one by.
    aliases: &'static [&'static str],
}

const HOOK_KEYS: &[Key] = &[
    Key { name: "tenant", example: "tenant = \"acme\"", aliases: &["tenant_id", "tenants", "customer"] },
    Key { name: "order", example: "order = 10", aliases: &["priority", "rank", "position"] },
    Key {
        name: "timeout_ms",
        example: "timeout_ms = 200",
        aliases: &["timeout", "timeout_s", "timeout_secs", "time_limit", "deadline"],
    },
    Key { name: "fallback", example: "fallback = false", aliases: &["fail_open", "on_error", "fallible"] },
    Key { name: "mode", example: "mode = \"shadow\"", aliases: &["shadow", "dry_run", "evaluate_only"] },
    Key {
        name: "contract",
        example: "contract = \"2.0\"",
        aliases: &["version", "contract_version", "point_version", "requires"],
    },
];

const POINT_KEYS: &[Key] = &[
    Key { name: "name", example: "name = \"before_search\"", aliases: &["id", "point_name"] },
    Key { name: "on_failure", example: "on_failure = \"deny\"", aliases: &["failure", "fail_closed", "on_error"] },
    Key { name: "compose", example: "compose = \"run_all\"", aliases: &["composition", "profile", "strategy"] },
    Key { name: "after", example: "after = AfterSearch", aliases: &["after_point", "post", "then", "on_result"] },
    Key { name: "after_name", example: "after_name = \"after_search\"", aliases: &["after_id"] },
    Key { name: "single", example: "single", aliases: &["one_hook", "exclusive", "singleton", "unique"] },
    Key { name: "version", example: "version = \"2.1\"", aliases: &["contract", "contract_version", "ver"] },
];

impl Key {
    /// Whether the key is a flag, written without a value (`single`).
    fn is_flag(&self) -> bool {
        self.example == self.name
    }
}

/// The longest time limit a hook may declare: 5 minutes.
pub(crate) const MAX_TIMEOUT_MS: u64 = 300_000;

impl Parse for HookArgs {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let point = point_path(input)?;
        let mut errors = Errors::default();
        let mut args = HookArgs {
            point,
            tenant: None,
            order: None,
            timeout_ms: None,
            fallback: None,
            mode: None,
            matchers: Vec::new(),
            contract: None,
        };
        for (key, value) in parse_pairs(input, HOOK_KEYS, &mut errors)? {
            match key.to_string().as_str() {
                "tenant" => args.tenant = errors.check(tenant(&value)),
                "order" => args.order = errors.check(order(&value)),
                "timeout_ms" => args.timeout_ms = errors.check(timeout_ms(&value)),
                "fallback" => args.fallback = errors.check(fallback(&value)),
                "mode" => args.mode = errors.check(choice(&MODE, &value)),
                "contract" => args.contract = errors.check(version("contract", &value)),
                _ => match lit_str(&value).filter(|_| !is_alias(&key, HOOK_KEYS)) {
                    Some(pattern) => {
                        if let Some(pattern) = errors.check(matcher::pattern(pattern)) {
                            args.matchers.push(MatcherArg { key, pattern });
                        }
                    }
                    None => errors.push(unknown_hook_key(&key)),
                },
            }
        }
        errors.finish(Ok(args))
    }
}

impl Parse for PointArgs {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let ident: Ident = leading(
            input,
            "name the context struct the point generates first: `#[hookpoint(BeforeSearch)]`",
            "name the context struct without quotes, it is a Rust name: `#[hookpoint(BeforeSearch)]`",
        )?;
        let mut errors = Errors::default();
        errors.check(struct_name(&ident, &POINT_STRUCT));
        let mut args = PointArgs {
            ident,
            name: None,
            on_failure: None,
            compose: None,
            after: None,
            after_name: None,
            single: false,
            version: None,
        };
        let (mut after_given, mut after_name_key) = (false, None);
        for (key, value) in parse_pairs(input, POINT_KEYS, &mut errors)? {
            match key.to_string().as_str() {
                "name" => args.name = errors.check(point_name(&value)),
                "on_failure" => args.on_failure = errors.check(choice(&ON_FAILURE, &value)),
                "compose" => args.compose = errors.check(choice(&COMPOSE, &value)),
                "after" => {
                    args.after = errors.check(after_struct(&value));
                    after_given = true;
                }
                "after_name" => {
                    args.after_name = errors.check(point_name(&value));
                    after_name_key = Some(key);
                }
                "single" => args.single = errors.check(flag(&key, &value)).is_some(),
                "version" => args.version = errors.check(version("version", &value)),
                _ => errors.push(unknown_key(&key, POINT_KEYS)),
            }
        }
        if let (Some(key), false) = (&after_name_key, after_given) {
            errors.push(syn::Error::new(
                key.span(),
                "`after_name` names the after point: declare it with `after = AfterSearch`, or remove `after_name`",
            ));
        }
        errors.check(distinct_after(&args));
        errors.finish(Ok(args))
    }
}

/// The leading path or name, before any `key = value`; `missing` says what
/// to write when it is absent, `quoted` when it is a string.
fn leading<T: Parse>(input: ParseStream, missing: &str, quoted: &str) -> syn::Result<T> {
    if input.is_empty() {
        return Err(syn::Error::new(Span::call_site(), missing));
    }
    if (input.peek(Ident::peek_any) && input.peek2(Token![=])) || input.peek(Token![,]) {
        return Err(input.error(missing));
    }
    if input.peek(LitStr) {
        return Err(input.error(quoted));
    }
    input.parse()
}

/// The point's path in `#[hook(...)]`: a path to a struct, without generic
/// arguments.
fn point_path(input: ParseStream) -> syn::Result<Path> {
    let path: Path = leading(
        input,
        "name the hook point first: `#[hook(BeforeSearch, order = 10)]`",
        "name the hook point by its Rust path, without quotes: `#[hook(BeforeSearch)]`",
    )?;
    if let Some(segment) = path.segments.iter().find(|segment| !segment.arguments.is_none()) {
        let PathArguments::AngleBracketed(args) = &segment.arguments else {
            return Err(syn::Error::new_spanned(&segment.arguments, "name the hook point by its path alone"));
        };
        return Err(syn::Error::new_spanned(
            args,
            "a hook point takes no generic arguments: name it by its path alone, like `#[hook(BeforeSearch)]`",
        ));
    }
    let last = path.segments.last().map(|segment| &segment.ident);
    if let Some(last) = last.filter(|last| !last.to_string().starts_with(|c: char| c.is_ascii_uppercase())) {
        return Err(syn::Error::new_spanned(
            last,
            format!(
                "`{last}` is not a hook point: name the context struct that its `#[hookpoint(Name)]` declares, like `#[hook(BeforeSearch)]`, not the function or module"
            ),
        ));
    }
    Ok(path)
}

/// The `, key = value` pairs after the leading path, each key one of
/// `keys`. This is the one place that rejects a key given twice: at its
/// second occurrence, keeping the first value.
fn parse_pairs(input: ParseStream, keys: &[Key], errors: &mut Errors) -> syn::Result<Vec<(Ident, Expr)>> {
    let mut pairs: Vec<(Ident, Expr)> = Vec::new();
    while !input.is_empty() {
        if !input.peek(Token![,]) {
            return Err(input.error("separate the attribute's arguments with commas: `key = value, key = value`"));
        }
        input.parse::<Token![,]>()?;
        if input.is_empty() {
            break;
        }
        if input.peek(Token![,]) {
            return Err(input.error("remove this extra `,`"));
        }
        let key = input.call(Ident::parse_any)?;
        let flag = keys.iter().any(|known| key == known.name && known.is_flag());
        if flag && (input.is_empty() || input.peek(Token![,])) {
            if pairs.iter().any(|(seen, _)| *seen == key) {
                errors.push(syn::Error::new(key.span(), format!("duplicate key `{key}`; give it once")));
            } else {
                pairs.push((key, Expr::Verbatim(TokenStream::new())));
            }
            continue;
        }
        if !input.peek(Token![=]) {
            if key == "single" && !flag {
                return Err(syn::Error::new(
                    key.span(),
                    "`single` goes on the point, `#[hookpoint(ChooseModel, single)]`: the point's author decides that it admits one hook per tenant",
                ));
            }
            let example = keys.iter().find(|known| key == known.name).map_or("key = value", |known| known.example);
            let error = if input.peek(Token![:]) {
                format!("write `=` between a key and its value: `{example}`")
            } else {
                format!("`{key}` needs a value: `{example}`")
            };
            return Err(syn::Error::new(key.span(), error));
        }
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

/// Whether `key` is one a hurried writer may mean one of `keys` by.
fn is_alias(key: &Ident, keys: &[Key]) -> bool {
    let text = key.to_string();
    keys.iter().any(|known| known.aliases.contains(&text.as_str()))
}

/// The error for a key the attribute does not take, naming the key it most
/// likely means and listing those it takes. `#[hook]` also takes the
/// point's key arguments as matchers, with a pattern in quotes.
fn unknown_key(key: &Ident, keys: &[Key]) -> syn::Error {
    unknown_key_or(key, keys, "")
}

/// The error for a key `#[hook]` does not take, and that is no matcher
/// either: its value is not a pattern in quotes.
fn unknown_hook_key(key: &Ident) -> syn::Error {
    let matchers = format!(", or a key argument of the point with a pattern in quotes, like `{key} = \"fs_*\"`");
    unknown_key_or(key, HOOK_KEYS, &matchers)
}

/// [`unknown_key`], with `matchers` after the list of valid keys.
fn unknown_key_or(key: &Ident, keys: &[Key], matchers: &str) -> syn::Error {
    let valid = keys.iter().map(|known| format!("`{}`", known.name)).collect::<Vec<_>>().join(", ");
    let text = key.to_string();
    let message = match keys.iter().find(|known| known.aliases.contains(&text.as_str())) {
        Some(meant) => format!("unknown key `{key}`; write `{}`; valid keys are {valid}", meant.example),
        None => format!("unknown key `{key}`; valid keys are {valid}{matchers}"),
    };
    syn::Error::new(key.span(), message)
}

/// The string literal `value`, or `None`.
fn lit_str(value: &Expr) -> Option<&LitStr> {
    match value {
        Expr::Lit(ExprLit { lit: Lit::Str(lit), .. }) => Some(lit),
        _ => None,
    }
}

/// A flag, `single`: written without a value.
fn flag(key: &Ident, value: &Expr) -> syn::Result<()> {
    match value {
        Expr::Verbatim(tokens) if tokens.is_empty() => Ok(()),
        _ => Err(syn::Error::new_spanned(
            value,
            format!("`{key}` takes no value: write it alone, like `#[hookpoint(ChooseModel, {key})]`, or leave it out"),
        )),
    }
}

/// `version = "2.1"` or `contract = "2.0"`: two whole numbers that fit a
/// `u32`, without leading zeros, in quotes.
fn version(key: &str, value: &Expr) -> syn::Result<VersionArg> {
    let rule = format!(
        "`{key}` takes a contract version `major.minor` in quotes, two whole numbers without leading zeros: `{key} = \"2.1\"`"
    );
    let Some(lit) = lit_str(value) else {
        let message = match value {
            Expr::Lit(ExprLit { lit: Lit::Float(float), .. }) if float.suffix().is_empty() => {
                format!("write the version in quotes: `{key} = \"{}\"`", float.base10_digits())
            }
            Expr::Lit(ExprLit { lit: Lit::Int(int), .. }) if int.suffix().is_empty() => {
                format!("write the version in quotes, with its minor version: `{key} = \"{}.0\"`", int.base10_digits())
            }
            _ => rule,
        };
        return Err(syn::Error::new_spanned(value, message));
    };
    let text = lit.value();
    let number = |part: &str| {
        let digits = !part.is_empty() && part.bytes().all(|byte| byte.is_ascii_digit());
        let leading_zero = part.len() > 1 && part.starts_with('0');
        if digits && !leading_zero {
            part.parse::<u32>().ok()
        } else {
            None
        }
    };
    match text.split_once('.').map(|(major, minor)| (number(major), number(minor))) {
        Some((Some(major), Some(minor))) => Ok(VersionArg { major, minor, lit: lit.clone() }),
        _ => Err(syn::Error::new_spanned(lit, format!("`{text}` is not a contract version: {rule}"))),
    }
}

/// `tenant = "acme"`: one tenant id, matched exactly and case-sensitively
/// against the session's. Rejects what cannot be meant: an empty id,
/// whitespace around it, control characters, and a list.
fn tenant(value: &Expr) -> syn::Result<LitStr> {
    let problem = match (value, lit_str(value)) {
        (Expr::Array(_) | Expr::Tuple(_), _) => {
            "a hook serves one tenant: write one hook per tenant, or leave `tenant` out to serve every tenant"
        }
        (_, None) => "`tenant` takes a tenant id in quotes: `tenant = \"acme\"`",
        (_, Some(lit)) => {
            let id = lit.value();
            if id.trim().is_empty() {
                "`tenant` takes a non-empty tenant id: `tenant = \"acme\"`, or leave `tenant` out to serve every tenant"
            } else if id.trim() != id {
                "remove the whitespace around the tenant id: tenant ids are matched exactly, `tenant = \"acme\"`"
            } else if id.chars().any(char::is_control) {
                "a tenant id cannot hold control characters: `tenant = \"acme\"`"
            } else {
                return Ok(lit.clone());
            }
        }
    };
    Err(syn::Error::new_spanned(value, problem))
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
        let quoted = lit_str(value).is_some_and(|lit| lit.value().trim().parse::<i32>().is_ok());
        let message = if quoted {
            "write the number without quotes: `order = 10`"
        } else {
            "`order` takes a whole number that fits an `i32`, lower runs first: `order = 10`"
        };
        syn::Error::new_spanned(value, message)
    })
}

/// `timeout_ms = 200`: a whole number of milliseconds, from 1 to
/// [`MAX_TIMEOUT_MS`].
fn timeout_ms(value: &Expr) -> syn::Result<u64> {
    let parsed = match value {
        Expr::Lit(ExprLit { lit: Lit::Int(int), .. }) => int.base10_parse::<u64>().ok(),
        _ => None,
    };
    parsed.filter(|ms| (1..=MAX_TIMEOUT_MS).contains(ms)).ok_or_else(|| {
        let quoted = lit_str(value).is_some_and(|lit| lit.value().trim().parse::<u64>().is_ok());
        let message = if quoted {
            "write the number without quotes: `timeout_ms = 200`".to_owned()
        } else {
            format!(
                "`timeout_ms` takes a whole number of milliseconds from 1 to {MAX_TIMEOUT_MS} (5 minutes): `timeout_ms = 200`"
            )
        };
        syn::Error::new_spanned(value, message)
    })
}

/// `fallback = false`.
fn fallback(value: &Expr) -> syn::Result<LitBool> {
    if let Expr::Lit(ExprLit { lit: Lit::Bool(lit), .. }) = value {
        return Ok(lit.clone());
    }
    let quoted = lit_str(value).is_some_and(|lit| matches!(lit.value().trim(), "true" | "false"));
    let message = if quoted {
        "write `true` or `false` without quotes: `fallback = false`"
    } else {
        "`fallback` takes `true` or `false`: `fallback = false`"
    };
    Err(syn::Error::new_spanned(value, message))
}

/// One of `choice`'s words in quotes; returns the variant it names, spanned
/// at the value.
fn choice(choice: &Choice, value: &Expr) -> syn::Result<Ident> {
    let word = lit_str(value).map(LitStr::value);
    if let Some((_, variant)) = choice.words.iter().find(|(known, _)| Some(*known) == word.as_deref()) {
        return Ok(Ident::new(variant, value.span()));
    }
    let words = choice.words.iter().map(|(word, _)| format!("`\"{word}\"`")).collect::<Vec<_>>().join(", ");
    let key = choice.key;
    let example = choice.words[choice.words.len() - 1].0;
    Err(syn::Error::new_spanned(value, format!("`{key}` takes one of {words}: `{key} = \"{example}\"`")))
}

/// How a context struct is named in the attribute, for the messages about
/// it.
struct StructRole {
    /// What the struct is, e.g. "the point's context struct".
    what: &'static str,
    /// How it is written, e.g. `` `after = AfterSearch` ``.
    example: &'static str,
    /// The point's name that example gives.
    named: &'static str,
}

const POINT_STRUCT: StructRole =
    StructRole { what: "the point's context struct", example: "`#[hookpoint(BeforeSearch)]`", named: "before_search" };
const AFTER_STRUCT: StructRole =
    StructRole { what: "the after point's context struct", example: "`after = AfterSearch`", named: "after_search" };

/// The ident of a context struct `#[hookpoint(...)]` generates: an ASCII
/// `UpperCamelCase` name, so that its `snake_case` form is a valid point name.
fn struct_name(ident: &Ident, role: &StructRole) -> syn::Result<()> {
    let name = ident.unraw().to_string();
    let camel = name.starts_with(|c: char| c.is_ascii_uppercase()) && name.chars().all(|c| c.is_ascii_alphanumeric());
    if camel {
        Ok(())
    } else {
        let StructRole { what, example, named } = role;
        Err(syn::Error::new(
            ident.span(),
            format!("name {what} in UpperCamelCase ASCII, like {example}: the point is then named `{named}`"),
        ))
    }
}

/// `after = AfterSearch`: the struct of the point that runs after the body.
fn after_struct(value: &Expr) -> syn::Result<Ident> {
    if lit_str(value).is_some() {
        return Err(syn::Error::new_spanned(
            value,
            "name the after point's context struct without quotes, it is a Rust name: `after = AfterSearch`",
        ));
    }
    let ident = match value {
        Expr::Path(path) if path.qself.is_none() && path.attrs.is_empty() => path.path.get_ident().cloned(),
        _ => None,
    };
    let ident = ident.ok_or_else(|| {
        syn::Error::new_spanned(
            value,
            "`after` takes the name of the struct to generate, a plain Rust name: `after = AfterSearch`",
        )
    })?;
    struct_name(&ident, &AFTER_STRUCT)?;
    Ok(ident)
}

/// Checks that the after point, if any, is a point of its own: another
/// struct and another name than the point's.
fn distinct_after(args: &PointArgs) -> syn::Result<()> {
    let Some((after, after_name)) = args.after_point() else { return Ok(()) };
    if after.unraw() == args.ident.unraw() {
        return Err(syn::Error::new(
            after.span(),
            format!(
                "the after point needs a struct of its own, `{}` is the point's: name another, like `after = After{}`",
                args.ident,
                args.ident.unraw().to_string().trim_start_matches("Before"),
            ),
        ));
    }
    let name = args.point_name();
    if after_name == name {
        let span = args.after_name.as_ref().map_or_else(|| after.span(), LitStr::span);
        return Err(syn::Error::new(
            span,
            format!("the after point needs a name of its own, `{name}` is the point's: give it another with `after_name = \"...\"`"),
        ));
    }
    Ok(())
}

/// `name = "search.before_query"`: lowercase `snake_case` segments,
/// optionally dot-separated for a namespace.
fn point_name(value: &Expr) -> syn::Result<LitStr> {
    const RULE: &str = "a point name is lowercase snake_case, optionally dot-separated for a namespace: `name = \"before_search\"` or `name = \"search.before_query\"`";
    match lit_str(value) {
        Some(lit) if is_point_name(&lit.value()) => Ok(lit.clone()),
        _ => Err(syn::Error::new_spanned(value, RULE)),
    }
}

/// Whether `name` matches `^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$`.
pub(crate) fn is_point_name(name: &str) -> bool {
    name.split('.').all(|segment| {
        segment.starts_with(|c: char| c.is_ascii_lowercase())
            && segment.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    })
}

#[cfg(test)]
mod tests {
    use super::{is_point_name, version};

    #[test]
    fn versions_are_two_whole_numbers_without_leading_zeros() {
        for (good, major, minor) in [("2.1", 2, 1), ("0.0", 0, 0), ("10.20", 10, 20), ("4294967295.0", u32::MAX, 0)] {
            let parsed = version("version", &syn::parse_quote!(#good)).unwrap();
            assert_eq!((parsed.major, parsed.minor), (major, minor), "{good}");
        }
        for bad in [
            "",
            "2",
            "2.",
            ".1",
            "2.1.0",
            "v2.1",
            "02.1",
            "2.01",
            "2.x",
            " 2.1",
            "2.1 ",
            "-1.0",
            "+1.0",
            "4294967296.0",
        ] {
            assert!(version("version", &syn::parse_quote!(#bad)).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn point_names_are_dot_separated_lowercase_snake_case() {
        for good in ["before_search", "search.before_query", "a", "tool2.call_3", "a_"] {
            assert!(is_point_name(good), "{good}");
        }
        for bad in [
            "",
            "Before Search",
            "before search",
            "search..before",
            ".search",
            "search.",
            "beforeSearch",
            "2fa",
            "_x",
            "a-b",
            "a._b",
        ] {
            assert!(!is_point_name(bad), "{bad}");
        }
    }
}
