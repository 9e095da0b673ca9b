/**
 * The PyTorch script under `torchrun`: one process per GPU (or CPU share),
 * DistributedDataParallel averaging the gradients. Every process walks the
 * same global batches (same seed) and trains on its own slice of each, so the
 * effective batch is the graph's.
 */
export function distributedLines(): string[] {
  return [
    'def join_processes():',
    '    """Under torchrun (WORLD_SIZE > 1): joins the process group; returns (rank, world size, local rank)."""',
    '    world = int(os.environ.get("WORLD_SIZE", "1"))',
    '    if world <= 1:',
    '        return 0, 1, 0',
    '    backend = "nccl" if torch.cuda.is_available() and dist.is_nccl_available() else "gloo"',
    '    dist.init_process_group(backend)',
    '    return dist.get_rank(), world, int(os.environ.get("LOCAL_RANK", "0"))',
    '',
    '',
    'def shard(batch, rank, world):',
    `    """This process's slice of a global batch (all of it when training in one process)."""`,
    '    return batch if world == 1 else batch[rank::world]',
    '',
    '',
  ];
}
