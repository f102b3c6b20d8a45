use std::process::ExitCode;

use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    davet::telemetry::init();
    match davet::cli::Cli::parse().run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("davet: {error}");
            ExitCode::FAILURE
        }
    }
}
