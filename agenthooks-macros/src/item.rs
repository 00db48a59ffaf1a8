//! The items the attributes go on, parsed down to their signatures only.
//!
//! A function's body stays raw tokens (the approach of tracing-attributes'
//! `MaybeItemFn`): the macros never look inside it, so a syntax error there
//! gets the compiler's message alone, not a second, misleading one from the
//! macro that could not parse the item.

use proc_macro2::{Delimiter, Group, TokenStream};
use quote::{ToTokens, TokenStreamExt};
use syn::parse::{Parse, ParseStream};
use syn::{braced, token, Attribute, Generics, ImplItem, Path, Signature, Token, Type, Visibility, WhereClause};

/// A function whose body is kept as raw tokens: a free `fn`, a method, or a
/// trait method declaration, which has no body.
#[derive(Clone)]
pub(crate) struct RawFn {
    pub(crate) attrs: Vec<Attribute>,
    pub(crate) vis: Visibility,
    pub(crate) sig: Signature,
    /// The braces and what they hold, or `None` for a declaration ending in
    /// `;`.
    pub(crate) body: Option<Group>,
    /// The `;` of a declaration.
    semi: Option<Token![;]>,
}

impl Parse for RawFn {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let vis = input.parse()?;
        let sig = input.parse()?;
        if input.peek(Token![;]) {
            return Ok(RawFn { attrs, vis, sig, body: None, semi: Some(input.parse()?) });
        }
        let body: Group = input.parse()?;
        if body.delimiter() != Delimiter::Brace {
            return Err(syn::Error::new(body.span(), "expected a function body in braces"));
        }
        Ok(RawFn { attrs, vis, sig, body: Some(body), semi: None })
    }
}

impl ToTokens for RawFn {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        tokens.append_all(&self.attrs);
        self.vis.to_tokens(tokens);
        self.sig.to_tokens(tokens);
        self.body.to_tokens(tokens);
        self.semi.to_tokens(tokens);
    }
}

/// An `impl` block whose methods keep their bodies as raw tokens.
pub(crate) struct RawImpl {
    attrs: Vec<Attribute>,
    unsafety: Option<Token![unsafe]>,
    impl_token: Token![impl],
    generics: Generics,
    /// `!Trait for`, `Trait for`, or nothing for an inherent impl.
    pub(crate) trait_: Option<(Option<Token![!]>, Path, Token![for])>,
    pub(crate) self_ty: Type,
    where_clause: Option<WhereClause>,
    brace: token::Brace,
    inner_attrs: Vec<Attribute>,
    pub(crate) items: Vec<ImplEntry>,
}

/// One item of a [`RawImpl`].
pub(crate) enum ImplEntry {
    /// A method or associated function, its body raw.
    Fn(Box<RawFn>),
    /// Anything else, or a method the macro has already rewritten.
    Other(TokenStream),
}

impl Parse for RawImpl {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let unsafety = input.parse()?;
        let impl_token = input.parse()?;
        let generics: Generics = input.parse()?;
        let polarity: Option<Token![!]> = input.parse()?;
        let first: Type = input.parse()?;
        let (trait_, self_ty) = if input.peek(Token![for]) {
            let Type::Path(path) = first else {
                return Err(syn::Error::new_spanned(first, "expected a trait path before `for`"));
            };
            (Some((polarity, path.path, input.parse()?)), input.parse()?)
        } else {
            (None, first)
        };
        let where_clause = input.parse()?;
        let content;
        let brace = braced!(content in input);
        let inner_attrs = content.call(Attribute::parse_inner)?;
        let mut items = Vec::new();
        while !content.is_empty() {
            let fork = content.fork();
            if let Ok(function) = fork.parse::<RawFn>() {
                syn::parse::discouraged::Speculative::advance_to(&content, &fork);
                items.push(ImplEntry::Fn(Box::new(function)));
            } else {
                items.push(ImplEntry::Other(content.parse::<ImplItem>()?.into_token_stream()));
            }
        }
        Ok(RawImpl { attrs, unsafety, impl_token, generics, trait_, self_ty, where_clause, brace, inner_attrs, items })
    }
}

impl ToTokens for RawImpl {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        tokens.append_all(&self.attrs);
        self.unsafety.to_tokens(tokens);
        self.impl_token.to_tokens(tokens);
        self.generics.to_tokens(tokens);
        if let Some((polarity, path, for_token)) = &self.trait_ {
            polarity.to_tokens(tokens);
            path.to_tokens(tokens);
            for_token.to_tokens(tokens);
        }
        self.self_ty.to_tokens(tokens);
        self.where_clause.to_tokens(tokens);
        self.brace.surround(tokens, |tokens| {
            tokens.append_all(&self.inner_attrs);
            for item in &self.items {
                match item {
                    ImplEntry::Fn(function) => function.to_tokens(tokens),
                    ImplEntry::Other(other) => other.to_tokens(tokens),
                }
            }
        });
    }
}
