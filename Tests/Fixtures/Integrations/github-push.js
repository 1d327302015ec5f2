/* A GitHub push webhook turned into a chat message, in Rocket.Chat's integration script style (the kind published
 * in Rocket.Chat's docs and community script collections): `class Script` with `process_incoming_request`. */
class Script {
  process_incoming_request({ request }) {
    const event = request.headers['x-github-event'];
    if (event === 'ping') {
      return { content: { text: `GitHub says: ${request.content.zen}` } };
    }
    if (event !== 'push') {
      return { error: { success: false, message: `Unsupported GitHub event: ${event}` } };
    }
    const push = request.content;
    const branch = push.ref.replace('refs/heads/', '');
    const commits = push.commits || [];
    const lines = commits.map((commit) => `[${commit.id.substring(0, 7)}](${commit.url}) ${commit.message.split('\n')[0]} — ${commit.author.name}`);
    Store.set('pushes', (Store.get('pushes') || 0) + 1);
    console.log(`push ${Store.get('pushes')} to ${push.repository.full_name}`);
    return {
      content: {
        alias: 'GitHub',
        emoji: ':octocat:',
        text: `${push.pusher.name} pushed ${commits.length} commit${commits.length === 1 ? '' : 's'} to ${push.repository.full_name}@${branch}`,
        attachments: [{ title: push.compare, title_link: push.compare, text: lines.join('\n'), color: '#24292e' }],
      },
    };
  }
}
