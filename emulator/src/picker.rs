//! The account picker the emulated identity platform and Webex show: a page that looks like a
//! product's sign-in (a card, the accounts as tiles with initials) and finds an account as you
//! type, Turkish casing included (`ı` and `I`, `i` and `İ`), instead of a bare list of buttons.

use crate::wire::html;

/// One account to offer: the form's value, the name, the line under it.
pub(crate) struct Account<'a> {
    pub value: &'a str,
    pub name: &'a str,
    pub detail: &'a str,
}

/// What the page says and posts.
pub(crate) struct Picker<'a> {
    /// The page's title and heading.
    pub title: &'a str,
    /// Safe HTML above the accounts (already escaped).
    pub intro: String,
    /// The hidden fields that carry the request (already escaped).
    pub hidden: String,
    /// The form field that names the account chosen.
    pub field: &'a str,
}

const STYLE: &str = "body{margin:0;min-height:100vh;display:grid;place-items:center;background:#f5f5f5;\
font:14px/20px 'Segoe UI',system-ui,sans-serif;color:#242424}\
main{width:min(440px,100vw);background:#fff;padding:32px 36px;box-shadow:0 2px 8px rgba(0,0,0,.14);border-radius:8px}\
h1{font-size:20px;line-height:28px;font-weight:600;margin:0 0 8px}p{margin:0 0 12px;color:#424242}\
label{display:block;font-size:12px;color:#616161;margin:12px 0 4px}\
input[type=search]{width:100%;box-sizing:border-box;padding:6px 8px;font:inherit;border:1px solid #d1d1d1;border-bottom-color:#616161;border-radius:4px}\
input[type=search]:focus{outline:2px solid #0f6cbd;outline-offset:-1px}\
ul.accounts{list-style:none;margin:12px 0 0;padding:0;max-height:55vh;overflow:auto}\
ul.accounts button{display:flex;flex-direction:column;align-items:flex-start;width:100%;text-align:start;\
padding:8px 8px 8px 52px;position:relative;min-height:48px;font:inherit;font-weight:600;background:none;border:0;border-radius:4px;cursor:pointer;color:inherit}\
ul.accounts button::before{content:attr(data-initials);position:absolute;left:8px;top:8px;width:32px;height:32px;border-radius:50%;\
background:#ebf3fc;color:#115ea3;display:grid;place-items:center;font-size:12px}\
ul.accounts button:hover,ul.accounts button:focus-visible{background:#f5f5f5;outline:2px solid transparent}\
ul.accounts button:focus-visible{outline-color:#0f6cbd}\
ul.accounts small{font-weight:400;color:#616161}.none{color:#616161}[hidden]{display:none}code{font-size:12px}";

/// Shows the accounts whose name or address holds what is typed (Turkish lower case).
const SCRIPT: &str = "const box=document.getElementById('find');const none=document.getElementById('none');\
const low=(t)=>t.toLocaleLowerCase('tr');box.addEventListener('input',()=>{const q=low(box.value.trim());let shown=0;\
for(const li of document.querySelectorAll('ul.accounts li')){const hit=low(li.textContent).includes(q);li.hidden=!hit;if(hit)shown++;}\
none.hidden=shown>0;});";

/// Initials for the tile, as the pane makes them (`ilkay ışık` → `İI` in Turkish).
fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().next())
        .take(2)
        .map(|c| match c {
            'i' => "İ".to_owned(),
            'ı' => "I".to_owned(),
            c => c.to_uppercase().collect(),
        })
        .collect()
}

pub(crate) fn page<'a>(picker: Picker<'_>, accounts: impl Iterator<Item = Account<'a>>) -> String {
    let field = html(picker.field);
    let tiles: String = accounts
        .map(|a| {
            format!(
                "<li><button name=\"{field}\" value=\"{}\" data-initials=\"{}\">{} <small>{}</small></button></li>",
                html(a.value),
                html(&initials(a.name)),
                html(a.name),
                html(a.detail)
            )
        })
        .collect();
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><style>{STYLE}</style></head><body><main>\
         <h1>{title}</h1>{intro}\
         <label for=\"find\">Find your account (name or address)</label>\
         <input id=\"find\" type=\"search\" autocomplete=\"off\" spellcheck=\"false\" autofocus>\
         <form method=\"post\">{hidden}<ul class=\"accounts\">{tiles}</ul></form>\
         <p id=\"none\" class=\"none\" hidden>Nobody matches.</p>\
         </main><script>{SCRIPT}</script></body></html>",
        title = html(picker.title),
        intro = picker.intro,
        hidden = picker.hidden,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiles_carry_turkish_initials_and_escape_what_they_show() {
        let text = page(
            Picker {
                title: "Pick an account",
                intro: String::new(),
                hidden: String::new(),
                field: "user",
            },
            [Account {
                value: "id-1",
                name: "ilkay ışık",
                detail: "<ilkay@ornek.example>",
            }]
            .into_iter(),
        );
        assert!(text.contains("data-initials=\"İI\""), "{text}");
        assert!(text.contains("&lt;ilkay@ornek.example&gt;"));
        assert!(text.contains("name=\"user\" value=\"id-1\""));
    }
}
