# bash completion for berth. Installed as "berth" in bash-completion's completionsdir. berth
# itself knows its commands, their options and berthd's VMs and switches ("berth __complete",
# hypervisor/cli/berth-cli-complete.c); this only asks it and hands the answer to bash.
#
# SPDX-License-Identifier: GPL-2.0-or-later

_berth()
{
    local cur words cword
    if declare -F _init_completion >/dev/null; then
        # bash-completion's: "--connect=unix:path=/x" stays one word.
        local prev split
        _init_completion -n =: || return
    else
        words=("${COMP_WORDS[@]}")
        cword=$COMP_CWORD
        cur=${COMP_WORDS[COMP_CWORD]}
    fi

    local IFS=$'\n'
    local -a answer
    answer=($("${words[0]}" __complete "$cword" "${words[@]}" 2>/dev/null)) || return
    COMPREPLY=()
    case ${answer[0]} in
    files)
        if declare -F _filedir >/dev/null; then
            _filedir
        else
            compopt -o filenames 2>/dev/null
            COMPREPLY=($(compgen -f -- "$cur"))
        fi
        ;;
    words)
        local word
        for word in "${answer[@]:1}"; do
            # Names may hold spaces ("Default Switch"): quote them for the command line.
            if [[ $word == *[[:space:]]* ]]; then
                COMPREPLY+=("$(printf '%q' "$word")")
            else
                COMPREPLY+=("$word")
            fi
        done
        # "--format=q" completes to "--format=qcow2": bash shows only what follows the "=".
        if [[ $cur == *[=:]* ]] && declare -F __ltrim_colon_completions >/dev/null; then
            __ltrim_colon_completions "$cur"
        fi
        ;;
    esac
}
complete -F _berth berth
