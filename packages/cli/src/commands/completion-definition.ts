import { defineCommand } from '../command-spec.js';
import { UsageError } from '../io.js';

const SHELLS = ['bash', 'zsh', 'fish'] as const;

export const completionDefinition = defineCommand({
  name: 'completion',
  summary: 'print a shell completion script: commands, flags, -o values, endpoints and namespaces of the -f input',
  arguments: [{ name: 'shell', description: 'bash, zsh or fish', required: true }],
  examples: [
    'source <(netpol completion bash)            # bash, this shell; add it to ~/.bashrc to keep it',
    'netpol completion zsh > ~/.zfunc/_netpol     # zsh, with fpath+=(~/.zfunc) before compinit in ~/.zshrc',
    'netpol completion fish > ~/.config/fish/completions/netpol.fish',
  ],
  run: async ({ args: [shell], io }) => {
    const known = SHELLS.find((s) => s === shell);
    if (!known) throw new UsageError(`completion: unknown shell "${shell}"`, `give one of ${SHELLS.join(', ')}`);
    const { completionScript } = await import('../completion/completion-scripts.js');
    io.stdout.write(completionScript(known));
    return 0;
  },
});
