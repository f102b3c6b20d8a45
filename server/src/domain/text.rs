//! Matching what a person types against names, with Turkish casing: `İ` is the capital of `i`
//! and `I` of `ı`. A search folds both pairs to one letter, so `ilkay` finds `İlkay` and `ışık`
//! finds `IŞIK`, whichever keyboard typed it.

/// Lower case with the four i's as one.
pub fn fold(text: &str) -> String {
    text.chars().flat_map(fold_char).collect()
}

fn fold_char(c: char) -> impl Iterator<Item = char> {
    let folded: Vec<char> = match c {
        'İ' | 'I' | 'ı' | 'i' => vec!['i'],
        c => c.to_lowercase().collect(),
    };
    folded.into_iter()
}

/// Whether some word of `text` starts with `query`, both folded.
pub fn some_word_starts_with(text: &str, query: &str) -> bool {
    let query = fold(query);
    let folded = fold(text);
    folded.starts_with(&query)
        || folded
            .split(|c: char| !c.is_alphanumeric())
            .any(|word| !word.is_empty() && word.starts_with(&query))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn turkish_i_s_match_across_cases() {
        assert!(some_word_starts_with("İlkay Şahin", "ilk"));
        assert!(some_word_starts_with("IŞIK Ltd.", "ışık"));
        assert!(some_word_starts_with("Ayşe Işık", "işı"));
        assert!(some_word_starts_with("ayse@ornek.example", "ayse@o"));
        assert!(!some_word_starts_with("Ayşe Yılmaz", "yıld"));
    }
}
