extension CommandTable {
    private static let augmentations = ["crop", "flip", "cutout", "none"]

    /// `data`, `download`, `model`, `layer`, `summary`, `optim`, `sched`.
    static let dataCommands: [CommandSpec] = [
        CommandSpec(
            "data", area: "Data and model", "load a dataset: cifar10, folder or synthetic",
            details: "data cifar10 path=DIR accepts the folder holding train/ and test/, the cifar-10-batches-bin folder, or its parent, and detects which. data folder reads any image-folder dataset (DIR/train/<class>/ and DIR/test/<class>/, JPEG or PNG of any size, resized to size= square; fit=crop takes the centre square first; an unreadable file is an error naming it, or with strict=false is skipped and counted). data synthetic makes a small labelled set for quick experiments (n= images). valid=N holds out N training images for validation. augment= lists the training augmentations (pad-4 random crop, horizontal flip, cutout) or none. 'data' prints what it loaded: source, classes and the image count of each split.",
            examples: ["data synthetic n=512 batch=64", "data cifar10 path=data/cifar10 batch=512 augment=crop,flip,cutout", "data folder path=~/images valid=1000", "data folder path=~/photos size=48 fit=crop"],
            arguments: [
                ArgumentSpec("batch", .int, default: .int(512), range: Bounds.count, "images per training batch"),
                ArgumentSpec("augment", .list(.choice(augmentations)), "training augmentations (crop, flip, cutout) or none"),
                ArgumentSpec("subset", .int, range: Bounds.count, "use only the first N training images (classes in turn)"),
                ArgumentSpec("valid", .int, range: 0...1e12, "hold out N training images for validation"),
            ],
            subcommands: [
                SubcommandSpec("cifar10", "CIFAR-10 from disk (binary batches or PNG folders)", arguments: [ArgumentSpec("path", .path, "where CIFAR-10 is (default: --data or the usual places)")]),
                SubcommandSpec("folder", "an image-folder dataset: DIR/train/<class>/<image> and DIR/test/<class>/<image>", arguments: [
                    ArgumentSpec("path", .path, required: true, "the dataset's root folder, holding train/ and test/"),
                    ArgumentSpec("size", .int, default: .int(32), range: 8...512, "images are resized to size×size"),
                    ArgumentSpec("fit", .choice(["squash", "crop"]), default: .string("squash"),
                                 "crop: take the centre square before resizing; squash: resize the whole image"),
                    ArgumentSpec("strict", .bool, default: .bool(true), "false: skip and count unreadable files"),
                ]),
                SubcommandSpec("synthetic", "a small generated dataset for quick runs", arguments: [
                    ArgumentSpec("n", .int, default: .int(1024), range: Bounds.count, "number of training images"),
                    ArgumentSpec("classes", .int, default: .int(10), range: 2...1000, "number of classes"),
                ]),
            ],
            subcommandRequired: false,
            effect: .changesExperiment),
        CommandSpec(
            "download", area: "Data and model", "download CIFAR-10",
            details: "Downloads and unpacks the CIFAR-10 binary version into path= (default: the data folder), with a progress line, and checks its digest.",
            examples: ["download cifar10 path=data"],
            arguments: [ArgumentSpec("path", .path, "folder to unpack into"),
                        ArgumentSpec("url", .string, "a mirror of cifar-10-binary.tar.gz (http or https; its MD5 is still checked)")],
            subcommands: [SubcommandSpec("cifar10", "the CIFAR-10 binary version (163 MB)")],
            effect: .fetches),
        CommandSpec(
            "model", area: "Data and model", "build a network: ultimus, vit, or start an empty one",
            details: "model ultimus builds UltimusNet: variant=spec is the assignment's network (convolutions without activations), variant=bnrelu adds BatchNorm and ReLU after each convolution. attention=sample is the per-image attention; attention=batch reproduces the seed notebook's batch-mixing bug. model vit builds a Vision Transformer equal to PyTorch's (bench/torch_vit.py): 32/patch squared patch tokens (plus a class token with pool=cls) through depth pre-norm transformer blocks. model new starts an empty network for 'layer'. 'model' alone shows the current one.",
            examples: ["model ultimus variant=bnrelu", "model vit", "model vit patch=4 dim=32 depth=2 heads=4", "model new"],
            subcommands: [
                SubcommandSpec("ultimus", "UltimusNet: three convolutions, four attention blocks, a classifier", arguments: [
                    ArgumentSpec("variant", .choice(["spec", "bnrelu"]), default: .string("spec"), "spec (no activations) or bnrelu"),
                    ArgumentSpec("attention", .choice(["sample", "batch"]), default: .string("sample"), "per-image attention, or the seed's batch-mixing one"),
                    ArgumentSpec("blocks", .int, default: .int(4), range: Bounds.atLeastOne, "UltimusNet has 4, always: the assignment's network (other depths: 'model new', then 'layer ultimus' per block)"),
                ]),
                SubcommandSpec("vit", "a small Vision Transformer: patches as tokens, pre-norm transformer blocks", arguments: [
                    ArgumentSpec("patch", .int, default: .int(4), range: 1...32, "patch side in pixels (divides 32)"),
                    ArgumentSpec("dim", .int, default: .int(64), range: 1...1024, "features per token (divisible by heads)"),
                    ArgumentSpec("depth", .int, default: .int(4), range: 0...32, "transformer blocks (blocks.0, blocks.1, ...)"),
                    ArgumentSpec("heads", .int, default: .int(4), range: 1...64, "attention heads per block"),
                    ArgumentSpec("mlp_ratio", .int, default: .int(2), range: 1...16, "MLP width as a multiple of dim"),
                    ArgumentSpec("pool", .choice(["cls", "mean"]), default: .string("cls"), "classify the class token or the token mean"),
                ]),
                SubcommandSpec("new", "an empty network to build with 'layer'"),
            ],
            subcommandRequired: false,
            effect: .changesExperiment),
        CommandSpec(
            "layer", area: "Data and model", "append a layer to the network being built",
            details: "Adds one layer after 'model new'. Input sizes are inferred from the previous layer. name= sets its PyTorch name (default: conv1, bn1, ... by kind). layer remove takes the last layer away, layer remove N the N-th (the layers after it are rebuilt for their new input). A ViT layer by layer: layer patches (patch embedding, class token, position embedding; tokens [T, D]), layer block once per transformer block, layer norm, layer pool, layer linear out=10; the default names (blocks.0, blocks.1, ..., norm, head) give the state_dict keys of model vit with the same settings.",
            examples: ["layer conv out=16 kernel=3 padding=1", "layer linear out=10", "layer remove", "layer remove 2",
                       "layer patches patch=4 dim=64", "layer block heads=4 mlp_ratio=2", "layer norm", "layer pool mode=cls"],
            arguments: [ArgumentSpec("name", .string, "the layer's name in the state dict")],
            subcommands: [
                SubcommandSpec("conv", "2-D convolution", arguments: [
                    ArgumentSpec("out", .int, range: Bounds.atLeastOne, required: true, "output channels"),
                    ArgumentSpec("kernel", .int, default: .int(3), range: 1...15, "kernel size"),
                    ArgumentSpec("stride", .int, default: .int(1), range: 1...8, "stride"),
                    ArgumentSpec("padding", .int, default: .int(1), range: 0...8, "zero padding on each side"),
                    ArgumentSpec("bias", .bool, default: .bool(true), "learn a bias"),
                ]),
                SubcommandSpec("bn", "BatchNorm2d over the channels", arguments: [
                    ArgumentSpec("momentum", .float, default: .float(0.1), range: Bounds.unit, "running-statistics momentum"),
                    ArgumentSpec("eps", .float, default: .float(1e-5), range: Bounds.positive, "added to the variance"),
                ]),
                SubcommandSpec("relu", "ReLU"),
                SubcommandSpec("remove", "remove the last layer, or layer N (counting from 1)",
                               positionals: [PositionalSpec("n", .int, required: false, "which layer (default: the last)")]),
                SubcommandSpec("dropout", "dropout (training only)", arguments: [ArgumentSpec("p", .float, default: .float(0.1), range: 0...0.99, "drop probability")]),
                SubcommandSpec("maxpool", "max pooling", arguments: [
                    ArgumentSpec("kernel", .int, default: .int(2), range: 1...8, "window size"),
                    ArgumentSpec("stride", .int, range: 1...8, "stride (default: the kernel size)"),
                ]),
                SubcommandSpec("gap", "global average pooling to 1×1"),
                SubcommandSpec("flatten", "flatten to [N, features]"),
                SubcommandSpec("linear", "fully connected layer", arguments: [
                    ArgumentSpec("out", .int, range: Bounds.atLeastOne, required: true, "output features"),
                    ArgumentSpec("bias", .bool, default: .bool(true), "learn a bias"),
                ]),
                SubcommandSpec("ultimus", "an Ultimus attention block (K, Q, V projections and an output layer)", arguments: [
                    ArgumentSpec("dim", .int, default: .int(8), range: Bounds.atLeastOne, "size of K, Q and V"),
                ]),
                SubcommandSpec("patches", "ViT patch embedding: Conv2d(3, dim, patch, stride=patch), class token, position embedding", arguments: [
                    ArgumentSpec("patch", .int, default: .int(4), range: 1...32, "patch side in pixels (divides the image side)"),
                    ArgumentSpec("dim", .int, default: .int(64), range: 1...1024, "features per token"),
                    ArgumentSpec("cls", .bool, default: .bool(true), "prepend a learned class token as token 0"),
                ]),
                SubcommandSpec("block", "pre-norm transformer block (TransformerEncoderLayer, GELU): tokens in and out", arguments: [
                    ArgumentSpec("heads", .int, default: .int(4), range: 1...64, "attention heads (divide the tokens' features)"),
                    ArgumentSpec("mlp_ratio", .int, default: .int(2), range: 1...16, "MLP width as a multiple of the features"),
                    ArgumentSpec("dim", .int, range: 1...1024, "the tokens' features (follows the previous layer; checked when given)"),
                ]),
                SubcommandSpec("norm", "LayerNorm over the last axis (the ViT's final norm)", arguments: [
                    ArgumentSpec("eps", .float, default: .float(1e-5), range: Bounds.positive, "added to the variance"),
                ]),
                SubcommandSpec("pool", "tokens to one vector per image for the classifier", arguments: [
                    ArgumentSpec("mode", .choice(["cls", "mean"]), default: .string("cls"), "the class token (token 0) or the token mean"),
                ]),
            ],
            effect: .changesExperiment),
        CommandSpec(
            "summary", area: "Data and model", "table of layers, shapes, parameters and mult-adds",
            details: "torchinfo-style summary of the current model for an input of batch× 3×32×32 (batch 20 by default, as the seed notebook's table): each layer's output shape, kernel shape, parameter count and mult-adds (attention matmuls and softmax included), with totals and a memory estimate. depth=N folds deeper layers into their parent (depth=1: one row per block), as torchinfo does; in a narrow terminal the columns shrink and Kernel Shape, Input Shape and Trainable are left out.",
            examples: ["summary", "summary depth=1", "summary batch=512 depth=2"],
            arguments: [
                ArgumentSpec("batch", .int, default: .int(20), range: 1...1_000_000, "batch size of the example input"),
                ArgumentSpec("depth", .int, default: .int(3), range: 1...10, "nesting depth shown"),
            ],
            effect: .shows),
        CommandSpec(
            "optim", area: "Data and model", "choose the optimizer: sgd, adam or adamw",
            details: "PyTorch semantics and names. Adam's weight_decay is an L2 term added to the gradient; AdamW decays the weights directly. Changing the optimizer resets its state. 'optim' alone shows the current one.",
            examples: ["optim", "optim adam lr=1e-3 weight_decay=1e-4", "optim sgd lr=0.05 momentum=0.9 nesterov=true", "optim adamw lr=1e-3 betas=0.9,0.999"],
            arguments: [
                ArgumentSpec("lr", .float, range: Bounds.positive, "learning rate"),
                ArgumentSpec("weight_decay", .float, default: .float(0), range: Bounds.nonNegative, "weight decay"),
            ],
            subcommands: [
                SubcommandSpec("sgd", "stochastic gradient descent (lr default 0.01)", arguments: [
                    ArgumentSpec("momentum", .float, default: .float(0), range: Bounds.unit, "momentum factor"),
                    ArgumentSpec("dampening", .float, default: .float(0), range: Bounds.unit, "dampening for momentum"),
                    ArgumentSpec("nesterov", .bool, default: .bool(false), "Nesterov momentum"),
                ]),
                SubcommandSpec("adam", "Adam (lr default 1e-3)", arguments: [
                    ArgumentSpec("betas", .list(.float), default: .list([.float(0.9), .float(0.999)]), range: 0...0.999999, "β1,β2: decay rates of the moment estimates"),
                    ArgumentSpec("eps", .float, default: .float(1e-8), range: Bounds.positive, "added to the denominator"),
                    ArgumentSpec("amsgrad", .bool, default: .bool(false), "use the AMSGrad variant"),
                ]),
                SubcommandSpec("adamw", "AdamW, decoupled weight decay (lr 1e-3, weight_decay 0.01)", arguments: [
                    ArgumentSpec("betas", .list(.float), default: .list([.float(0.9), .float(0.999)]), range: 0...0.999999, "β1,β2: decay rates of the moment estimates"),
                    ArgumentSpec("eps", .float, default: .float(1e-8), range: Bounds.positive, "added to the denominator"),
                    ArgumentSpec("amsgrad", .bool, default: .bool(false), "use the AMSGrad variant"),
                ]),
            ],
            subcommandRequired: false,
            effect: .changesExperiment),
        CommandSpec(
            "sched", area: "Data and model", "choose the LR schedule: onecycle, constant or step",
            details: "Steps per epoch come from the current data loader. onecycle follows PyTorch's OneCycleLR (cycling momentum, or Adam's β1, between base_momentum and max_momentum); training past its end is refused. 'plot schedule' previews it; 'sched' alone shows the current schedule and its position.",
            examples: ["sched", "sched onecycle max_lr=4e-3 epochs=24 pct_start=0.2", "sched step step_size=10 gamma=0.1", "sched constant"],
            subcommands: [
                SubcommandSpec("onecycle", "one-cycle policy (Smith), as torch.optim.lr_scheduler.OneCycleLR", arguments: [
                    ArgumentSpec("max_lr", .float, range: Bounds.positive, required: true, "peak learning rate"),
                    ArgumentSpec("epochs", .int, range: Bounds.count, "length of the cycle in epochs"),
                    ArgumentSpec("total_steps", .int, range: Bounds.count, "length of the cycle in steps (instead of epochs)"),
                    ArgumentSpec("pct_start", .float, default: .float(0.3), range: Bounds.openUnit, "share of the cycle spent increasing the LR"),
                    ArgumentSpec("anneal_strategy", .choice(["cos", "linear"]), default: .string("cos"), "shape of the annealing"),
                    ArgumentSpec("div_factor", .float, default: .float(25), range: Bounds.positive, "initial lr = max_lr/div_factor"),
                    ArgumentSpec("final_div_factor", .float, default: .float(1e4), range: Bounds.positive, "final lr = initial lr/final_div_factor"),
                    ArgumentSpec("three_phase", .bool, default: .bool(false), "use the paper's three phases"),
                    ArgumentSpec("cycle_momentum", .bool, default: .bool(true), "cycle momentum (Adam: β1) inversely to the LR"),
                    ArgumentSpec("base_momentum", .float, default: .float(0.85), range: Bounds.unit, "lowest momentum"),
                    ArgumentSpec("max_momentum", .float, default: .float(0.95), range: Bounds.unit, "highest momentum"),
                ]),
                SubcommandSpec("constant", "keep the optimizer's learning rate"),
                SubcommandSpec("step", "multiply the LR by gamma every step_size epochs", arguments: [
                    ArgumentSpec("step_size", .int, range: Bounds.count, required: true, "epochs between decays"),
                    ArgumentSpec("gamma", .float, default: .float(0.1), range: Bounds.positive, "decay factor"),
                ]),
            ],
            subcommandRequired: false,
            exclusive: [["epochs", "total_steps"]],
            effect: .changesExperiment),
    ]
}
