# bash completion for crosstalk: commands, their options, episode numbers
# and input devices. Commands and options are read from crosstalk's own
# --help, so they are never out of step with the binary.
# Installed as /usr/share/bash-completion/completions/crosstalk.

# The help's "Subcommands:" names, or its --options.
_crosstalk_subcommands() { awk '/^Subcommands:/ {on = 1; next} on && /^  [a-z]/ {print $1} on && /^$/ {on = 0}'; }
_crosstalk_options() { grep -oE '(^|[ ,])--?[A-Za-z][-A-Za-z0-9]*' | tr -d ' ,'; }

_crosstalk() {
  local cur prev words cword
  if declare -F _init_completion >/dev/null; then
    _init_completion || return
  else
    words=("${COMP_WORDS[@]}") cword=$COMP_CWORD cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
  fi
  local bin=${words[0]} i w help
  local -a path=() show=()
  local positionals=0
  # The command path (e.g. "spool list"), -C's value, and how many
  # positional arguments the command already has.
  help=$("$bin" --help 2>/dev/null) || return
  for ((i = 1; i < cword; i++)); do
    w=${words[i]}
    case $w in
      -C | --show) show=(-C "${words[i + 1]}"); ((i++)); continue ;;
      -*) # an option with a value (its help shows TEXT, INT, …) takes the next word
        if grep -qE -- "(^|[ ,])${w%%=*}( |,[^ ]* )[A-Z]+" <<<"$help" && [[ $w != *=* ]]; then ((i++)); fi
        continue ;;
    esac
    if _crosstalk_subcommands <<<"$help" | grep -qxF -- "$w"; then
      path+=("$w")
      help=$("$bin" "${path[@]}" --help 2>/dev/null)
    else
      ((positionals++))
    fi
  done

  case $prev in
    -C | --show | --into) COMPREPLY=($(compgen -d -- "$cur")); return ;;
    --device)
      COMPREPLY=($(compgen -W "$("$bin" devices 2>/dev/null | awk '/^[ *] *[0-9]+  / {sub(/^\*/, ""); print $1}')" -- "$cur"))
      return ;;
    --tls-cert | --tls-key | --cover | --access-log | --mp3) COMPREPLY=($(compgen -f -- "$cur")); return ;;
  esac
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$(_crosstalk_options <<<"$help")" -- "$cur"))
    return
  fi
  local subs
  subs=$(_crosstalk_subcommands <<<"$help")
  if [ -n "$subs" ]; then
    COMPREPLY=($(compgen -W "$subs" -- "$cur"))
    return
  fi
  case ${path[*]} in
    schedule | publish | unpublish | delete | edit)  # EP: the show's episode numbers
      [ "$positionals" -eq 0 ] &&
        COMPREPLY=($(compgen -W "$("$bin" "${show[@]}" list 2>/dev/null | awk '$1 ~ /^[0-9]+$/ {print $1}')" -- "$cur"))
      ;;
    spool\ discard)
      COMPREPLY=($(compgen -W "$("$bin" spool list 2>/dev/null | awk '/ → / {print $1}')" -- "$cur")) ;;
    *) COMPREPLY=($(compgen -f -- "$cur")) ;;
  esac
}
complete -F _crosstalk crosstalk
