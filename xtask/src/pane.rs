//! Builds the task pane into `target/pane`: cargo (size profile, relocations kept) → wasm-split
//! (each `#[lazy]` function and what only it needs into a module of its own, loaded when first
//! called) → wasm-bindgen → wasm-opt → content-hashed names → brotli and gzip copies beside
//! each file. Prints the first-load payload and fails when it is over budget.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

use crate::{Result, cargo, install, run, step};

/// The pane's first load (wasm + JS + CSS, brotli) may not exceed this many bytes (140 KB).
pub const FIRST_LOAD_BUDGET: usize = 140_000;

const TARGET: &str = "wasm32-unknown-unknown";
/// Files loaded after first paint, and only where needed: listed, not counted in the budget.
/// `naa-`: MSAL.js, only with nested app authentication; `lazy-`: the split modules, when a
/// view that needs them is first shown.
const LAZY_PREFIXES: [&str; 2] = ["naa-", "lazy-"];
const NAA_PREFIX: &str = "naa-";
/// What wasm-split's loader imports the main module as, and what the main module imports the
/// loader as, before the build gives both their hashed names.
const MAIN_JS: &str = "./davet_pane.js";
const SPLIT_JS: &str = "./__wasm_split.js";

fn is_lazy(name: &str) -> bool {
    LAZY_PREFIXES.iter().any(|p| name.starts_with(p))
}

pub fn build(root: &Path) -> Result<PathBuf> {
    install::wasm_toolchain(root)?;
    install::wasm_bindgen_cli(root)?;
    let npm = install::npm_tools(root)?;
    let wasm_opt = npm.join(".bin/wasm-opt");

    step("pane: cargo rustc --target wasm32-unknown-unknown --profile pane (relocations kept)");
    run(cargo().args([
        "rustc",
        "--package",
        "davet-pane",
        "--bin",
        "davet-pane",
        "--target",
        TARGET,
        "--profile",
        "pane",
        "--",
        // wasm-split reads the linker's relocations to move functions between modules.
        "-Clink-arg=--emit-relocs",
    ]))?;
    let target_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let compiled = target_dir.join(TARGET).join("pane").join("davet-pane.wasm");

    let staging = root.join("target/pane-staging");
    fresh_dir(&staging)?;
    step("pane: wasm-split (the #[lazy] views into modules of their own)");
    let split_dir = staging.join("split");
    fresh_dir(&split_dir)?;
    let main_split = split_dir.join("davet_pane.wasm");
    let input = read(&compiled)?;
    let split = wasm_split_cli_support::transform({
        let mut options = wasm_split_cli_support::Options::new(&input);
        options.output_dir = &split_dir;
        options.main_out_path = &main_split;
        options.main_module = MAIN_JS;
        options.link_name = SPLIT_JS;
        options
    })
    .map_err(|e| format!("wasm-split: {e}"))?;

    step("pane: wasm-bindgen --target web");
    run(Command::new("wasm-bindgen")
        .args([
            "--target",
            "web",
            "--no-typescript",
            // The split modules call the main module's functions by their linker names.
            "--keep-lld-exports",
            "--no-demangle",
            "--out-name",
            "davet_pane",
            "--out-dir",
        ])
        .arg(&staging)
        .arg(&main_split))?;

    step("pane: wasm-opt -Oz (npm binaryen), the main module and each split one");
    let optimise = |from: &Path, to: &Path| {
        run(Command::new(&wasm_opt)
            .args(["-Oz", "--strip-debug", "--strip-producers"])
            // The features rustc 1.95 enables by default for wasm32-unknown-unknown.
            .args([
                "--enable-bulk-memory",
                "--enable-nontrapping-float-to-int",
                "--enable-sign-ext",
                "--enable-mutable-globals",
                "--enable-multivalue",
                "--enable-reference-types",
            ])
            .arg(from)
            .arg("-o")
            .arg(to))
    };
    let optimised = staging.join("optimised.wasm");
    optimise(&staging.join("davet_pane_bg.wasm"), &optimised)?;

    step("pane: hashing names and compressing");
    let dist = root.join("target/pane");
    fresh_dir(&dist)?;
    let frontend = root.join("frontend");

    // The split modules, each under a name of its content; the loader names them.
    let mut loader = String::from_utf8(read(&split_dir.join(SPLIT_JS.trim_start_matches("./")))?)
        .map_err(|e| e.to_string())?;
    for module in &split.split_modules {
        let file = module
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or("a split module without a name")?;
        let stem = file.trim_end_matches(".wasm");
        let small = staging.join(format!("{stem}.opt.wasm"));
        optimise(&split_dir.join(file), &small)?;
        // `split_contacts_view_1042…` → `lazy-contacts_view`, `chunk_3` → `lazy-chunk_3`.
        let short = stem
            .strip_prefix("split_")
            .map(|s| s.rsplit_once('_').map_or(s, |(name, _)| name))
            .unwrap_or(stem);
        let name = place(&dist, &format!("lazy-{short}"), "wasm", &read(&small)?)?;
        let reference = format!("\"./{file}\"");
        if !loader.contains(&reference) {
            return Err(format!("wasm-split's loader does not name {file}"));
        }
        loader = loader.replace(&reference, &format!("\"./{name}\""));
    }

    let wasm_name = place(&dist, "davet_pane", "wasm", &read(&optimised)?)?;
    let mut js =
        String::from_utf8(read(&staging.join("davet_pane.js"))?).map_err(|e| e.to_string())?;
    js = relocate_snippets(&staging, &dist, js)?;
    // wasm-bindgen's web target exports its initialiser as the module's default; call it with
    // the hashed wasm name once the module loads.
    if !(js.contains("__wbg_init as default") || js.contains("export default __wbg_init")) {
        return Err(
            "wasm-bindgen's output does not export `__wbg_init`: update the pane build".into(),
        );
    }
    js.push_str(&format!(
        "\n__wbg_init({{ module_or_path: new URL(\"./{wasm_name}\", import.meta.url) }});\n"
    ));
    // The main module and the loader import each other: the main JS is named for both as they
    // are before either names the other, the loader for what it is once it names the main JS.
    let js_name = hashed_name("davet_pane", "js", &[js.as_bytes(), loader.as_bytes()]);
    let main_import = format!("from \"{MAIN_JS}\"");
    if !loader.contains(&main_import) {
        return Err("wasm-split's loader does not import the main module".into());
    }
    let loader = loader.replace(&main_import, &format!("from \"./{js_name}\""));
    let loader_name = place(&dist, "split", "js", loader.as_bytes())?;
    // Only the `from` clauses move: the imports object keeps the name the wasm module imports.
    let split_import = format!("from \"{SPLIT_JS}\"");
    if !js.contains(&split_import) {
        return Err("the pane's JS does not import wasm-split's loader".into());
    }
    let js = js.replace(&split_import, &format!("from \"./{loader_name}\""));
    write(&dist.join(&js_name), js.as_bytes())?;
    let css_name = place(
        &dist,
        "pane",
        "css",
        &read(&frontend.join("style/pane.css"))?,
    )?;
    let boot = String::from_utf8(read(&frontend.join("boot.js"))?).map_err(|e| e.to_string())?;
    let boot_name = place(
        &dist,
        "boot",
        "js",
        boot.replace("__PANE_JS__", &js_name).as_bytes(),
    )?;
    step("pane: esbuild the nested-app-authentication module (MSAL.js, loaded lazily)");
    let naa = staging.join("naa.js");
    run(Command::new(npm.join(".bin/esbuild"))
        .arg(frontend.join("naa/naa.js"))
        .args([
            "--bundle",
            "--format=esm",
            "--minify",
            "--target=es2020",
            "--legal-comments=none",
        ])
        .arg(format!("--outfile={}", naa.display()))
        .env("NODE_PATH", &npm))?;
    let naa_name = place(&dist, NAA_PREFIX.trim_end_matches('-'), "js", &read(&naa)?)?;
    let html = String::from_utf8(read(&frontend.join("index.html"))?).map_err(|e| e.to_string())?;
    let html = html
        .replace("__PANE_CSS__", &css_name)
        .replace("__BOOT_JS__", &boot_name)
        .replace("__NAA_JS__", &naa_name);
    write(&dist.join("taskpane.html"), html.as_bytes())?;

    let report = compress_all(&dist)?;
    print!("{}", report.table());
    std::io::stdout().flush().map_err(|e| e.to_string())?;
    if report.first_load_brotli() > FIRST_LOAD_BUDGET {
        return Err(format!(
            "the pane's first load is {} bytes (brotli), over its budget of {FIRST_LOAD_BUDGET}",
            report.first_load_brotli()
        ));
    }
    Ok(dist)
}

/// wasm-bindgen's snippets live in folders named after the crate, not the content; give each a
/// content-hashed name so the immutable cache headers stay true, and point the imports at it.
fn relocate_snippets(staging: &Path, dist: &Path, mut js: String) -> Result<String> {
    let snippets = staging.join("snippets");
    if !snippets.is_dir() {
        return Ok(js);
    }
    std::fs::create_dir_all(dist.join("snippets")).map_err(|e| e.to_string())?;
    for file in files(&snippets)? {
        let relative = file
            .strip_prefix(staging)
            .map_err(|e| e.to_string())?
            .to_string_lossy()
            .replace('\\', "/");
        let stem = file
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("snippet");
        let name = place(&dist.join("snippets"), stem, "js", &read(&file)?)?;
        // Only the `from` clauses move: the imports object keeps the names the wasm module
        // was compiled with.
        let mut moved = false;
        for quote in ['\'', '"'] {
            let old = format!("from {quote}./{relative}{quote}");
            if js.contains(&old) {
                js = js.replace(&old, &format!("from {quote}./snippets/{name}{quote}"));
                moved = true;
            }
        }
        if !moved {
            return Err(format!("the pane's JS does not import ./{relative}"));
        }
    }
    Ok(js)
}

/// Writes `bytes` as `{stem}-{hash}.{ext}` and returns that name.
fn place(dir: &Path, stem: &str, ext: &str, bytes: &[u8]) -> Result<String> {
    let name = hashed_name(stem, ext, &[bytes]);
    write(&dir.join(&name), bytes)?;
    Ok(name)
}

/// `{stem}-{hash}.{ext}`, the hash of `parts` together.
fn hashed_name(stem: &str, ext: &str, parts: &[&[u8]]) -> String {
    let mut digest = Sha256::new();
    for part in parts {
        digest.update(part);
    }
    let hash = digest
        .finalize()
        .iter()
        .take(8)
        .fold(String::new(), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        });
    format!("{stem}-{hash}.{ext}")
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn write(path: &Path, bytes: &[u8]) -> Result {
    std::fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display()))
}

fn fresh_dir(dir: &Path) -> Result {
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))
}

fn files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            found.extend(files(&path)?);
        } else {
            found.push(path);
        }
    }
    found.sort();
    Ok(found)
}

struct Asset {
    name: String,
    raw: usize,
    gzip: usize,
    brotli: usize,
}

struct Report(Vec<Asset>);

impl Report {
    /// What loads before first paint: wasm, JS and CSS. The HTML page is listed but not counted,
    /// nor are lazily loaded files.
    fn first_load_brotli(&self) -> usize {
        self.0
            .iter()
            .filter(|a| !a.name.ends_with(".html") && !is_lazy(&a.name))
            .map(|a| a.brotli)
            .sum()
    }

    fn table(&self) -> String {
        let mut out =
            String::from("\npane payload (bytes)                      raw      gzip    brotli\n");
        for a in &self.0 {
            let lazy = if a.name.starts_with(NAA_PREFIX) {
                "  (lazy: only with nested app auth)"
            } else if is_lazy(&a.name) {
                "  (lazy: when a view needing it is first shown)"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "  {:<36} {:>8} {:>9} {:>9}{lazy}",
                a.name, a.raw, a.gzip, a.brotli
            );
        }
        let _ = writeln!(
            out,
            "first load (wasm + JS + CSS, brotli): {} bytes = {:.1} KB of a {} KB budget",
            self.first_load_brotli(),
            self.first_load_brotli() as f64 / 1000.0,
            FIRST_LOAD_BUDGET / 1000
        );
        out
    }
}

fn compress_all(dist: &Path) -> Result<Report> {
    let mut assets = Vec::new();
    for file in files(dist)? {
        let bytes = read(&file)?;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(&bytes).map_err(|e| e.to_string())?;
        let gz = gz.finish().map_err(|e| e.to_string())?;
        let mut br = Vec::new();
        let params = brotli::enc::BrotliEncoderParams {
            quality: 11,
            lgwin: 22,
            ..Default::default()
        };
        brotli::BrotliCompress(&mut bytes.as_slice(), &mut br, &params)
            .map_err(|e| e.to_string())?;
        let with_ext = |ext: &str| {
            let mut name = file.clone().into_os_string();
            name.push(ext);
            PathBuf::from(name)
        };
        write(&with_ext(".gz"), &gz)?;
        write(&with_ext(".br"), &br)?;
        assets.push(Asset {
            name: file
                .strip_prefix(dist)
                .map_err(|e| e.to_string())?
                .to_string_lossy()
                .into_owned(),
            raw: bytes.len(),
            gzip: gz.len(),
            brotli: br.len(),
        });
    }
    Ok(Report(assets))
}
