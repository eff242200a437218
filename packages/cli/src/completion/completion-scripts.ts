/**
 * Shell completion scripts. Each asks `netpol __complete WORDS... CURRENT` (complete.ts) for
 * its candidates, so commands, flags, `-o` values and the names in the `-f` input are
 * completed from the command table, never from a copy of it in shell. The last line of the
 * answer is cobra's directive: 4 = no file completion, 2 = no space after, 0 = files.
 */
export function completionScript(shell: 'bash' | 'zsh' | 'fish'): string {
  return SCRIPTS[shell];
}

const BASH = `# netpol completion for bash: source <(netpol completion bash)
_netpol() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" IFS=$'\\n' out directive line
  local -a words=("\${COMP_WORDS[@]:1:COMP_CWORD}") values=()
  # bash splits words at : and =; glue them back (git:REV:PATH, --output=json).
  if declare -F _get_comp_words_by_ref >/dev/null; then
    local -a cwords; local cword
    _get_comp_words_by_ref -n =: -w cwords -i cword cur
    words=("\${cwords[@]:1:cword}")
  fi
  out=$("\${COMP_WORDS[0]}" __complete "\${words[@]}" 2>/dev/null) || return
  directive=\${out##*:}
  for line in $out; do
    [[ $line == :* ]] && continue
    values+=("\${line%%$'\\t'*}")
  done
  COMPREPLY=($(compgen -W "\${values[*]}" -- "$cur"))
  if [[ \${#COMPREPLY[@]} -eq 0 && $(( directive & 4 )) -eq 0 ]]; then
    COMPREPLY=($(compgen -f -- "$cur")); compopt -o filenames 2>/dev/null
  fi
  (( directive & 2 )) && compopt -o nospace 2>/dev/null
  declare -F __ltrim_colon_completions >/dev/null && __ltrim_colon_completions "$cur"
  return 0
}
complete -F _netpol netpol kubectl-netpol
`;

const ZSH = `#compdef netpol kubectl-netpol
# netpol completion for zsh: netpol completion zsh > "\${fpath[1]}/_netpol"
_netpol() {
  local -a values lines
  local out directive line
  out=$("\${words[1]}" __complete "\${(@)words[2,CURRENT]}" 2>/dev/null) || return 1
  lines=("\${(@f)out}")
  directive=\${\${lines[-1]}#:}
  for line in "\${(@)lines[1,-2]}"; do
    # value:description, with the value's own colons escaped for _describe
    values+=("\${\${line%%$'\\t'*}//:/\\\\:}\${\${line#*$'\\t'}:+:\${line#*$'\\t'}}")
  done
  if (( \${#values} > 0 )); then
    if (( directive & 2 )); then _describe -t values 'netpol' values -S ''; else _describe -t values 'netpol' values; fi
  elif (( (directive & 4) == 0 )); then
    _files
  fi
}
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then _netpol "$@"; else compdef _netpol netpol kubectl-netpol; fi
`;

const FISH = `# netpol completion for fish: netpol completion fish > ~/.config/fish/completions/netpol.fish
function __netpol_complete
  set -l words (commandline -opc) (commandline -ct)
  set -l out ($words[1] __complete $words[2..-1] 2>/dev/null)
  set -l directive (string replace -r '^:' '' -- $out[-1])
  set -e out[-1]
  if test (count $out) -eq 0; and test (math "bitand($directive, 4)") -eq 0
    __fish_complete_path (commandline -ct)
    return
  end
  printf '%s\\n' $out
end
complete -c netpol -f -a '(__netpol_complete)'
complete -c kubectl-netpol -f -a '(__netpol_complete)'
`;

const SCRIPTS = { bash: BASH, zsh: ZSH, fish: FISH } as const;
