/// The body of the exported PyTorch script; `TorchExport` fills in the settings block above it.
enum TorchScriptTemplate {
    static let body = #"""
class Ultimus(nn.Module):
    """X [B,48] -> K, Q, V [B,8] -> AM = softmax_j(Q^T K / sqrt(8)) [B,8,8] -> Z = V.AM [B,8] -> fc_out [B,48]."""

    def __init__(self, d=48, k=8, attention="sample"):
        super().__init__()
        self.attention = attention
        self.fc_k = nn.Linear(d, k)
        self.fc_q = nn.Linear(d, k)
        self.fc_v = nn.Linear(d, k)
        self.fc_out = nn.Linear(k, d)

    def forward(self, x):
        k, q, v = self.fc_k(x), self.fc_q(x), self.fc_v(x)
        scale = math.sqrt(k.shape[-1])
        if self.attention == "batch":
            # The seed notebook's mistake, kept as exported: a [B,B] map that mixes images.
            am = torch.softmax(q @ k.t() / scale, dim=-1)
            z = am @ v
        else:
            am = torch.softmax(q.unsqueeze(2) * k.unsqueeze(1) / scale, dim=-1)
            z = torch.bmm(v.unsqueeze(1), am).squeeze(1)
        return self.fc_out(z)


class UltimusNet(nn.Module):
    def __init__(self, variant="spec", attention="sample"):
        super().__init__()
        self.variant = variant
        self.conv1 = nn.Conv2d(3, 16, 3, padding=1)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.conv3 = nn.Conv2d(32, 48, 3, padding=1)
        if variant == "bnrelu":
            self.bn1, self.bn2, self.bn3 = nn.BatchNorm2d(16), nn.BatchNorm2d(32), nn.BatchNorm2d(48)
        self.ultimus1 = Ultimus(attention=attention)
        self.ultimus2 = Ultimus(attention=attention)
        self.ultimus3 = Ultimus(attention=attention)
        self.ultimus4 = Ultimus(attention=attention)
        self.fc = nn.Linear(48, 10)

    def forward(self, x):
        for i in (1, 2, 3):
            x = getattr(self, f"conv{i}")(x)
            if self.variant == "bnrelu":
                x = F.relu(getattr(self, f"bn{i}")(x))
        x = x.mean(dim=(2, 3))
        x = self.ultimus4(self.ultimus3(self.ultimus2(self.ultimus1(x))))
        return self.fc(x)


class ViT(nn.Module):
    """bench/torch_vit.py's ViT: patch_embed, cls_token, pos_embed, blocks.N (pre-norm, GELU), norm, head."""

    def __init__(self, patch=4, dim=64, depth=4, heads=4, mlp_ratio=2, classes=10, pool="cls", image=32, channels=3):
        super().__init__()
        self.pool = pool
        self.patch_embed = nn.Conv2d(channels, dim, patch, stride=patch)
        tokens = (image // patch) ** 2 + (1 if pool == "cls" else 0)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, dim)) if pool == "cls" else None
        self.pos_embed = nn.Parameter(torch.randn(1, tokens, dim) * 0.02)
        self.blocks = nn.ModuleList([
            nn.TransformerEncoderLayer(dim, heads, dim * mlp_ratio, dropout=0.0, activation="gelu",
                                       batch_first=True, norm_first=True)
            for _ in range(depth)])
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, classes)

    def forward(self, x):
        x = self.patch_embed(x).flatten(2).transpose(1, 2)
        if self.cls_token is not None:
            x = torch.cat([self.cls_token.expand(x.shape[0], -1, -1), x], 1)
        x = x + self.pos_embed
        for b in self.blocks:
            x = b(x)
        x = self.norm(x)
        return self.head(x[:, 0] if self.pool == "cls" else x.mean(1))


def build_model():
    return ViT(**VIT) if VIT is not None else UltimusNet(VARIANT, ATTENTION)


def load_optimizer_state(optimizer, path):
    """The workbench's optimizer state (state.<index>.<name>, in parameter order) put back."""
    from safetensors.torch import load_file
    params = [p for group in optimizer.param_groups for p in group["params"]]
    for key, value in load_file(path).items():
        _, index, name = key.split(".", 2)
        param = params[int(index)]
        optimizer.state[param][name] = value if name == "step" else value.to(param.device)


def shard(n, epoch, rank, world):
    """This rank's images for `epoch`: one permutation shared by every rank (seeded by SEED and the
    epoch), padded by wrapping to a multiple of `world` as DistributedSampler does, then dealt out,
    so the ranks together see every image once and all take the same number of batches."""
    perm = np.random.default_rng([SEED, epoch]).permutation(n)
    perm = np.concatenate([perm, perm[: (-n) % world]])
    return perm[rank::world]


def rank_steps(n, world):
    """Batches per epoch on each rank."""
    return math.ceil(math.ceil(n / world) / BATCH_SIZE)


def per_rank(steps, n, world):
    """A schedule length or period of the single-process recipe (in its batches), in this rank's batches."""
    return max(1, -(-steps * rank_steps(n, world) // rank_steps(n, 1)))


def read_cifar_binary(folder):
    def read(names):
        raw = np.concatenate([np.fromfile(os.path.join(folder, n), np.uint8) for n in names]).reshape(-1, 3073)
        return raw[:, 1:].reshape(-1, 3, 32, 32).copy(), raw[:, 0].astype(np.int64)
    train = read([f"data_batch_{i}.bin" for i in range(1, 6)])
    return train, read(["test_batch.bin"])


def read_cifar_python(folder):
    import pickle
    def read(names):
        xs, ys = [], []
        for n in names:
            with open(os.path.join(folder, n), "rb") as f:
                d = pickle.load(f, encoding="bytes")
            xs.append(np.asarray(d[b"data"], np.uint8).reshape(-1, 3, 32, 32))
            ys.append(np.asarray(d[b"labels"], np.int64))
        return np.concatenate(xs), np.concatenate(ys)
    return read([f"data_batch_{i}" for i in range(1, 6)]), read(["test_batch"])


def read_image_folders(root):
    from PIL import Image
    def read(split):
        xs, ys = [], []
        for ci, c in enumerate(CLASS_NAMES):
            d = os.path.join(root, split, c)
            for f in sorted(os.listdir(d)):
                xs.append(np.asarray(Image.open(os.path.join(d, f)).convert("RGB"), np.uint8).transpose(2, 0, 1))
                ys.append(ci)
        return np.stack(xs), np.array(ys, np.int64)
    return read("train"), read("test")


def load_data(path):
    """(train images [N,3,H,W] uint8, labels), (test images, labels)."""
    if DATA_FILE:
        from safetensors.numpy import load_file
        d = load_file(os.path.join(HERE, DATA_FILE))
        return (d["train.images"], d["train.labels"]), (d["test.images"], d["test.labels"])
    for candidate in (path, os.path.join(path, "cifar-10-batches-bin"), os.path.join(path, "cifar-10-batches-py")):
        if os.path.exists(os.path.join(candidate, "data_batch_1.bin")):
            return read_cifar_binary(candidate)
        if os.path.exists(os.path.join(candidate, "data_batch_1")):
            return read_cifar_python(candidate)
    if os.path.isdir(os.path.join(path, "train")):
        return read_image_folders(path)
    sys.exit(f"no CIFAR-10 under {path!r}: give --data DIR holding cifar-10-batches-bin, \#
cifar-10-batches-py or train/<class>/ and test/<class>/")


def normalize(xb):
    x = torch.from_numpy(xb).float() / 255.0
    return (x - torch.tensor(MEAN).view(1, 3, 1, 1)) / torch.tensor(STD).view(1, 3, 1, 1)


def augment(xb, rng):
    """Reflect-101 padded random crop, horizontal flip, cutout filled with 0 (the mean after normalising)."""
    x = normalize(xb)
    b, _, h, w = x.shape
    out = torch.empty_like(x)
    p = AUGMENT["padding"]
    padded = F.pad(x, (p, p, p, p), mode="reflect") if AUGMENT["crop"] else x
    for i in range(b):
        oy, ox = (rng.integers(0, 2 * p + 1), rng.integers(0, 2 * p + 1)) if AUGMENT["crop"] else (0, 0)
        im = padded[i, :, oy:oy + h, ox:ox + w]
        if AUGMENT["flip"] and rng.random() < AUGMENT["flip_p"]:
            im = im.flip(-1)
        im = im.clone()
        if AUGMENT["cutout"] and rng.random() < AUGMENT["cutout_p"]:
            s = min(AUGMENT["cutout_size"], h, w)
            cy, cx = rng.integers(0, h - s + 1), rng.integers(0, w - s + 1)
            im[:, cy:cy + s, cx:cx + s] = 0.0
        out[i] = im
    return out


def check_parameters(model):
    declared = dict(PARAMETERS)
    actual = {k: tuple(v.shape) for k, v in model.state_dict().items()}
    if declared != actual:
        sys.exit(f"model and declared parameters differ: {sorted(set(declared.items()) ^ set(actual.items()))}")


def evaluate(model, x, y, batch=1000):
    model.eval()
    loss, correct = 0.0, 0
    with torch.no_grad():
        for s in range(0, len(x), batch):
            out = model(normalize(x[s:s + batch]))
            yb = torch.from_numpy(y[s:s + batch])
            loss += F.cross_entropy(out, yb, reduction="sum").item()
            correct += (out.argmax(1) == yb).sum().item()
    return loss / len(x), correct


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=DATA_PATH, help="CIFAR-10 folder (default: the session's)")
    ap.add_argument("--epochs", type=int, default=EPOCHS, help="train until this epoch (default: the session's plan)")
    ap.add_argument("--max-steps", type=int, default=0, help="stop after this many batches (a quick check)")
    ap.add_argument("--weights", default=WEIGHTS, help="starting state dict (safetensors)")
    ap.add_argument("--save", default="", help="write the trained state dict here (safetensors)")
    ap.add_argument("--threads", type=int, default=0, help="torch.set_num_threads (0: PyTorch's default)")
    ap.add_argument("--distributed", action="store_true", help="DistributedDataParallel; launch with torchrun")
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(SEED)
    rank, world = 0, 1
    if args.distributed:
        import torch.distributed as dist
        dist.init_process_group("nccl" if torch.cuda.is_available() else "gloo")
        rank, world = dist.get_rank(), dist.get_world_size()
    device = torch.device(f"cuda:{rank % torch.cuda.device_count()}" if torch.cuda.is_available() else "cpu")
    rng = np.random.default_rng(SEED + rank)

    (xtr, ytr), (xte, yte) = load_data(args.data)
    model = build_model()
    check_parameters(model)
    weights = args.weights if os.path.isabs(args.weights) else os.path.join(HERE, args.weights)
    if os.path.exists(weights):
        from safetensors.torch import load_file
        model.load_state_dict(load_file(weights), strict=True)
    elif rank == 0:
        print(f"{weights} not found: starting from PyTorch's own initialisation")
    model.to(device)
    net = model
    if args.distributed:
        net = torch.nn.parallel.DistributedDataParallel(model)
    optimizer = make_optimizer(model.parameters())
    steps_per_epoch = rank_steps(len(xtr), world)
    scheduler = make_scheduler(optimizer, lambda steps: per_rank(steps, len(xtr), world))
    if OPTIMIZER_FILE is not None:
        load_optimizer_state(optimizer, os.path.join(HERE, OPTIMIZER_FILE))
    # Where the session stopped, in this rank's batches: a session saved part-way through an epoch
    # trains only the rest of that epoch's batches, so the schedule ends where it was planned to.
    done = START_EPOCH * steps_per_epoch if SCHEDULE_STEP is None else per_rank(SCHEDULE_STEP, len(xtr), world)
    skip = max(0, min(done - START_EPOCH * steps_per_epoch, steps_per_epoch))
    if scheduler is not None:
        warnings.filterwarnings("ignore", message="Detected call of")
        for _ in range(done):
            scheduler.step()
    if rank == 0:
        print(f"{'ViT' if VIT is not None else VARIANT + ' UltimusNet'}, \#
{sum(p.numel() for p in model.parameters())} parameters; "
              f"{len(xtr)} train / {len(xte)} test images; epochs {START_EPOCH + 1}..{args.epochs}")
    step = 0
    for epoch in range(START_EPOCH + 1, args.epochs + 1):
        net.train()
        order = shard(len(xtr), epoch, rank, world)
        seen = correct = 0
        total_loss = 0.0
        start = time.time()
        first = skip * BATCH_SIZE if epoch == START_EPOCH + 1 else 0
        for b in range(first, len(order), BATCH_SIZE):
            idx = order[b:b + BATCH_SIZE]
            xb = augment(xtr[idx], rng).to(device)
            yb = torch.from_numpy(ytr[idx]).to(device)
            lr = optimizer.param_groups[0]["lr"]
            out = net(xb)
            loss = F.cross_entropy(out, yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            if scheduler is not None:
                scheduler.step()
            seen += len(idx)
            correct += (out.argmax(1) == yb).sum().item()
            total_loss += loss.item() * len(idx)
            step += 1
            if args.max_steps and step >= args.max_steps:
                break
        if rank == 0 and seen:
            print(f"EPOCH = {epoch} | LR = {lr:.6f} | Loss = {total_loss / seen:.2f} | Batch = {step} | "
                  f"Accuracy = {100 * correct / seen:.2f} ({time.time() - start:.1f} s)")
            test_loss, test_correct = evaluate(model, xte, yte)
            print(f"Test set: Average loss: {test_loss:.4f}, Accuracy: {test_correct}/{len(xte)} "
                  f"({100 * test_correct / len(xte):.2f}%)")
        if args.max_steps and step >= args.max_steps:
            break
    if args.save and rank == 0:
        from safetensors.torch import save_file
        save_file({k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}, args.save)
        print(f"saved {args.save}")


if __name__ == "__main__":
    main()
"""#
}
