/**
 * The scripts `stratavore completion <shell>` prints. Each asks the CLI itself what may come next
 * (`stratavore __complete <words…> <partial>`, one candidate per line), so commands, flags and
 * live names (projects, runners, sessions, nodes, budgets) never go stale.
 */
export const SHELLS = ["bash", "zsh", "fish", "powershell"] as const;
export type Shell = (typeof SHELLS)[number];

const BASH = `# stratavore completion for bash: add to ~/.bashrc
#   source <(stratavore completion bash)
_stratavore_complete() {
  local IFS=$'\\n'
  COMPREPLY=($(stratavore __complete "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null))
}
complete -o default -F _stratavore_complete stratavore
`;

const ZSH = `#compdef stratavore
# stratavore completion for zsh: add to ~/.zshrc (after compinit)
#   source <(stratavore completion zsh)
_stratavore() {
  local -a candidates
  candidates=("\${(@f)$(stratavore __complete "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  compadd -- "\${candidates[@]}"
}
compdef _stratavore stratavore
`;

const FISH = `# stratavore completion for fish: save as ~/.config/fish/completions/stratavore.fish
#   stratavore completion fish > ~/.config/fish/completions/stratavore.fish
complete -c stratavore -f -a '(stratavore __complete (commandline -opc)[2..-1] (commandline -ct) 2>/dev/null)'
`;

const POWERSHELL = `# stratavore completion for PowerShell 7.3+: add to $PROFILE
#   stratavore completion powershell | Out-String | Invoke-Expression
Register-ArgumentCompleter -Native -CommandName stratavore -ScriptBlock {
  param($wordToComplete, $commandAst, $cursorPosition)
  $words = @($commandAst.CommandElements | Select-Object -Skip 1 | ForEach-Object { $_.ToString() })
  if ($wordToComplete -eq '') { $words += '' }
  stratavore __complete @words 2>$null | ForEach-Object {
    [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
  }
}
`;

export const COMPLETION_SCRIPTS: Record<Shell, string> = { bash: BASH, zsh: ZSH, fish: FISH, powershell: POWERSHELL };
